package dev.fgbg.core.assets;

/**
 * A foreground cut-out at its own resolution: straight-alpha RGBA; its foot point is the middle
 * of its bottom row.
 */
public record Foreground(String name, int label, int width, int height, byte[] rgba) {

  public Foreground {
    if (rgba.length != width * height * 4) {
      throw new IllegalArgumentException("foreground " + name + ": rgba size mismatch");
    }
  }
}
