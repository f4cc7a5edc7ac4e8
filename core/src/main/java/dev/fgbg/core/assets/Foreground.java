package dev.fgbg.core.assets;

/**
 * A foreground cut-out at its own resolution: straight-alpha RGBA; its foot point is the middle
 * of its bottom row.
 *
 * @param realHeight how tall the object is in the world (metres), for depth-aware placement; 0
 *     when unknown (the spec's default height is used)
 */
public record Foreground(String name, int label, int width, int height, byte[] rgba,
    double realHeight) {

  public Foreground {
    if (rgba.length != width * height * 4) {
      throw new IllegalArgumentException("foreground " + name + ": rgba size mismatch");
    }
    if (!(realHeight >= 0) || Double.isInfinite(realHeight)) {
      throw new IllegalArgumentException("foreground " + name + ": real height " + realHeight
          + " must be a finite number of metres, at least 0");
    }
  }

  /** A cut-out of unknown real height. */
  public Foreground(String name, int label, int width, int height, byte[] rgba) {
    this(name, label, width, height, rgba, 0);
  }
}
