package dev.fgbg.core.assets;

import java.nio.file.Path;

/**
 * Where a folder dataset's images are and how foreground masks are found.
 *
 * @param fgMasks a folder of masks with the foregrounds' relative names, or null
 * @param maskFrom where a foreground's alpha comes from
 * @param maxImagePixels images whose header gives more pixels than this are refused
 */
public record FolderDataset(String name, Path backgrounds, Path foregrounds, Path fgMasks,
    MaskFrom maskFrom, long maxImagePixels) {

  /** Source of foreground alpha. */
  public enum MaskFrom {
    /** The image's own alpha channel, else the sidecar mask when one is given. */
    ALPHA,
    /** The foreground's own luminance (overlays such as MNIST digits). */
    LUMINANCE
  }

  public FolderDataset {
    if (maxImagePixels < 1 || maxImagePixels > ImageFiles.MAX_PIXELS_LIMIT) {
      throw new IllegalArgumentException("--max-image-pixels " + maxImagePixels
          + " must be in [1, " + ImageFiles.MAX_PIXELS_LIMIT + "] (an image's RGBA copy must "
          + "fit in one Java array)");
    }
  }

  /** With the default pixel limit. */
  public FolderDataset(String name, Path backgrounds, Path foregrounds, Path fgMasks,
      MaskFrom maskFrom) {
    this(name, backgrounds, foregrounds, fgMasks, maskFrom, ImageFiles.DEFAULT_MAX_PIXELS);
  }
}
