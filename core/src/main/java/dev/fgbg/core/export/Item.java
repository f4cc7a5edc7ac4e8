package dev.fgbg.core.export;

/**
 * Something a shard wrote that verification re-reads: a whole file ({@code length < 0}) or a
 * byte range of one (npy arrays). {@code altPath} is where the bytes live, at
 * {@code altOffset}, until the export completes (npy arrays are renamed or joined at the end),
 * or null; when it exists it is what is read.
 */
record Item(String path, String altPath, long offset, long length, long altOffset) {

  static Item file(String path) {
    return new Item(path, null, 0, -1, 0);
  }
}
