package dev.fgbg.core.assets;

import java.nio.file.Path;

/**
 * Where a folder dataset's images are and how foreground masks are found.
 *
 * @param fgMasks a folder of masks with the foregrounds' relative names, or null
 * @param maskFrom where a foreground's alpha comes from
 */
public record FolderDataset(String name, Path backgrounds, Path foregrounds, Path fgMasks,
    MaskFrom maskFrom) {

  /** Source of foreground alpha. */
  public enum MaskFrom {
    /** The image's own alpha channel, else the sidecar mask when one is given. */
    ALPHA,
    /** The foreground's own luminance (overlays such as MNIST digits). */
    LUMINANCE
  }
}
