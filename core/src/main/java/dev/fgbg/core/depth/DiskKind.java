package dev.fgbg.core.depth;

/**
 * What a {@link DiskTier} keeps: its name in the log, its records' extension, and what happens
 * without it (said when its folder cannot be written).
 */
public record DiskKind(String label, String extension, String without) {
  public static final DiskKind DEPTH = new DiskKind("depth disk cache", ".depth",
      "depth is cached in memory only");
  /** Prepared photos ({@code FolderAssets}' {@code PhotoStore}), under {@code photos/}. */
  public static final DiskKind PHOTOS = new DiskKind("photo disk cache", ".photo",
      "photos are decoded at every start");
}
