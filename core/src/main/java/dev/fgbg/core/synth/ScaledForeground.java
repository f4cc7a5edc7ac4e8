package dev.fgbg.core.synth;

/**
 * A foreground resampled to one pixel height: straight-alpha RGBA plus the tight box of the
 * pixels whose alpha reaches the mask threshold (in unflipped coordinates, x1/y1 exclusive;
 * all zero when none does).
 */
public record ScaledForeground(int width, int height, byte[] rgba, int x0, int y0, int x1, int y1) {

  public static ScaledForeground of(byte[] rgba, int width, int height, int threshold) {
    int bx0 = width;
    int by0 = height;
    int bx1 = 0;
    int by1 = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if ((rgba[(y * width + x) * 4 + 3] & 0xff) >= threshold) {
          bx0 = Math.min(bx0, x);
          by0 = Math.min(by0, y);
          bx1 = Math.max(bx1, x + 1);
          by1 = Math.max(by1, y + 1);
        }
      }
    }
    if (bx1 == 0) {
      return new ScaledForeground(width, height, rgba, 0, 0, 0, 0);
    }
    return new ScaledForeground(width, height, rgba, bx0, by0, bx1, by1);
  }

  public long bytes() {
    return rgba.length + 64L;
  }
}
