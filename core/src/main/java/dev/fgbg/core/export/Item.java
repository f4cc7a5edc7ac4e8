package dev.fgbg.core.export;

/**
 * Something a shard wrote that verification re-reads: a whole file ({@code length < 0}) or a
 * byte range of one (npy arrays). {@code altPath} is where the file lives before the export
 * completes (npy arrays are renamed at the end), or null.
 */
record Item(String path, String altPath, long offset, long length) {

  static Item file(String path) {
    return new Item(path, null, 0, -1);
  }
}
