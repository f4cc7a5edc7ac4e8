package dev.fgbg.core.depth;

/**
 * What a {@link DiskTier} keeps: its name in the log, its records' extension, what happens
 * without it (said when its folder cannot be written), and the sub-folder of its folder that
 * another tier keeps, or null (its start-up walk does not enter it: that tier's own walk counts
 * and cleans up its files, each visited once, and {@link DiskBudget} bounds both together).
 */
public record DiskKind(String label, String extension, String without, String othersFolder) {
  /** In {@code --cache-dir} itself, beside the photo tier's {@code photos/}. */
  public static final DiskKind DEPTH = new DiskKind("depth disk cache", ".depth",
      "depth is cached in memory only", PhotoTier.FOLDER);
  /** Prepared photos ({@code FolderAssets}' {@code PhotoStore}), under {@code photos/}. */
  public static final DiskKind PHOTOS = new DiskKind("photo disk cache", ".photo",
      "photos are decoded at every start", null);
}
