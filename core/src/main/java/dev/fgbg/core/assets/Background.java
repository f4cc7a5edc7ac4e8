package dev.fgbg.core.assets;

/**
 * A preprocessed background at the output size.
 *
 * @param rgb H×W×3 bytes
 * @param depth H×W metres, or null when the background has no depth
 * @param floorDepth per row: the depth of the floor plane at that row (metres), for rows at or
 *     below {@code footRowMin}; null when the background has no known floor
 * @param footRowMin the first row where a foreground's foot may stand; 0 without a floor
 */
public record Background(String name, int label, int width, int height, byte[] rgb,
    float[] depth, float[] floorDepth, int footRowMin) {

  public Background {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException("background " + name + ": rgb size mismatch");
    }
    if (depth != null && depth.length != width * height) {
      throw new IllegalArgumentException("background " + name + ": depth size mismatch");
    }
  }

  public boolean hasFloor() {
    return floorDepth != null;
  }
}
