package dev.fgbg.core.export;

import java.util.Locale;

/** The file layouts an export can write. */
public enum ExportFormat {
  /** fg_bg/bg_NNN/*.jpg, fg_bg_masks/bg_NNN/*.png, depth_maps/bg_NNN/*.png, labels.csv. */
  FOLDERS(true),
  /** The folders layout inside one bg_NNN.zip per background, and labels.csv. */
  ZIP(true),
  /** Tar shards of key.jpg, key.mask.png, key.depth.png (or .npy) and key.json. */
  WEBDATASET(false),
  /** images.npy, masks.npy, depth.npy (memory-mappable) and meta.csv. */
  NPY(false),
  /** images/bg_NNN/*.jpg and annotations/instances.json. */
  COCO(true);

  private final boolean perBackground;

  ExportFormat(boolean perBackground) {
    this.perBackground = perBackground;
  }

  /** Whether shards are backgrounds (else fixed-size runs of the selection). */
  public boolean perBackground() {
    return perBackground;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
