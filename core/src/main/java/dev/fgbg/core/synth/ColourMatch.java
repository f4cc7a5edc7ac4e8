package dev.fgbg.core.synth;

/**
 * Colour matching of a cut-out to the canvas under it: per channel, the cut-out's colours are
 * shifted and scaled so that, over its mask pixels inside the image, their mean and standard
 * deviation become those of the canvas there (the scale kept within [1/2, 2], so a flat region
 * does not flatten the cut-out). Sums run in a fixed order, so the result is exact everywhere.
 */
public final class ColourMatch {
  private static final double MAX_SCALE = 2.0;

  private ColourMatch() {}

  /**
   * A recoloured copy of {@code rgba} (fw×fh, as placed at (x, y)) matched to the image at
   * {@code off} (width×height×3); {@code rgba} itself when none of its mask is in the image.
   */
  public static byte[] apply(byte[] rgba, int fw, int fh, int threshold, byte[] img, int off,
      int width, int height, int x, int y) {
    double[] sumFg = new double[3];
    double[] sqFg = new double[3];
    double[] sumBg = new double[3];
    double[] sqBg = new double[3];
    long n = 0;
    for (int fy = Math.max(0, -y); fy < Math.min(fh, height - y); fy++) {
      for (int fx = Math.max(0, -x); fx < Math.min(fw, width - x); fx++) {
        int s = (fy * fw + fx) * 4;
        if ((rgba[s + 3] & 0xff) < threshold) {
          continue;
        }
        int d = off + ((y + fy) * width + x + fx) * 3;
        for (int c = 0; c < 3; c++) {
          double f = rgba[s + c] & 0xff;
          double b = img[d + c] & 0xff;
          sumFg[c] += f;
          sqFg[c] += f * f;
          sumBg[c] += b;
          sqBg[c] += b * b;
        }
        n++;
      }
    }
    if (n == 0) {
      return rgba;
    }
    double[] scale = new double[3];
    double[] shift = new double[3];
    for (int c = 0; c < 3; c++) {
      double mf = sumFg[c] / n;
      double mb = sumBg[c] / n;
      double sf = Math.sqrt(Math.max(0, sqFg[c] / n - mf * mf));
      double sb = Math.sqrt(Math.max(0, sqBg[c] / n - mb * mb));
      scale[c] = sf < 1 ? 1 : Math.max(1 / MAX_SCALE, Math.min(MAX_SCALE, sb / sf));
      shift[c] = mb - mf * scale[c];
    }
    byte[] out = rgba.clone();
    for (int p = 0; p < fw * fh; p++) {
      if (out[p * 4 + 3] == 0) {
        continue;
      }
      for (int c = 0; c < 3; c++) {
        long v = Math.round((rgba[p * 4 + c] & 0xff) * scale[c] + shift[c]);
        out[p * 4 + c] = (byte) Math.max(0, Math.min(255, v));
      }
    }
    return out;
  }
}
