package dev.fgbg.core.synth;

/**
 * A foreground resampled to one pixel height: straight-alpha RGBA plus the tight box of the
 * pixels whose alpha reaches the mask threshold (in unflipped coordinates, x1/y1 exclusive;
 * all zero when none does), how many such pixels there are, and, for a dataset that feathers
 * edges, the RGBA with its alpha feathered ({@link Feather}; else null).
 */
public record ScaledForeground(int width, int height, byte[] rgba, int x0, int y0, int x1, int y1,
    int maskPixels, byte[] feathered) {

  public static ScaledForeground of(byte[] rgba, int width, int height, int threshold) {
    int bx0 = width;
    int by0 = height;
    int bx1 = 0;
    int by1 = 0;
    int n = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if ((rgba[(y * width + x) * 4 + 3] & 0xff) >= threshold) {
          bx0 = Math.min(bx0, x);
          by0 = Math.min(by0, y);
          bx1 = Math.max(bx1, x + 1);
          by1 = Math.max(by1, y + 1);
          n++;
        }
      }
    }
    if (bx1 == 0) {
      return new ScaledForeground(width, height, rgba, 0, 0, 0, 0, 0, null);
    }
    return new ScaledForeground(width, height, rgba, bx0, by0, bx1, by1, n, null);
  }

  /** This cut-out with its feathered RGBA made for {@code sigma}. */
  public ScaledForeground feather(double sigma) {
    return new ScaledForeground(width, height, rgba, x0, y0, x1, y1, maskPixels,
        Feather.apply(rgba, width, height, sigma));
  }

  /** The RGBA as placed: itself, or a mirrored copy when {@code flip}. */
  public byte[] oriented(boolean flip) {
    if (!flip) {
      return rgba;
    }
    byte[] out = new byte[rgba.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        System.arraycopy(rgba, (y * width + width - 1 - x) * 4, out, (y * width + x) * 4, 4);
      }
    }
    return out;
  }

  public long bytes() {
    return rgba.length + (feathered == null ? 0 : feathered.length) + 64L;
  }
}
