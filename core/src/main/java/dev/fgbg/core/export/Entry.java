package dev.fgbg.core.export;

/**
 * One file's worth of bytes at a path relative to the export folder (or inside a container),
 * with the SHA-256 of the bytes (computed on the worker that encoded them).
 */
record Entry(String path, byte[] bytes, byte[] sha256) {

  Entry(String path, byte[] bytes) {
    this(path, bytes, ItemDigest.sha256(bytes));
  }
}
