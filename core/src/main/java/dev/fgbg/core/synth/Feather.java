package dev.fgbg.core.synth;

/**
 * Gaussian feathering of a cut-out's edge, inwards: each pixel's alpha becomes the smaller of
 * its own and the Gaussian-blurred alpha, so the edge fades over a few sigma inside the cut-out
 * and no colour outside it (undefined in a cut-out) is ever shown. Integer kernel (weights sum
 * to 2^16), so the result is exact on every machine.
 */
final class Feather {
  private static final int ONE = 1 << 16;

  private Feather() {}

  /** A copy of straight-alpha {@code rgba} (w×h) with its alpha feathered by {@code sigma}. */
  public static byte[] apply(byte[] rgba, int w, int h, double sigma) {
    int[] k = kernel(sigma);
    int r = k.length / 2;
    int[] across = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int sum = 0;
        for (int i = Math.max(-r, -x); i <= Math.min(r, w - 1 - x); i++) {
          sum += k[i + r] * (rgba[(y * w + x + i) * 4 + 3] & 0xff);
        }
        across[y * w + x] = sum;
      }
    }
    byte[] out = rgba.clone();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int a = rgba[(y * w + x) * 4 + 3] & 0xff;
        if (a == 0) {
          continue;
        }
        long sum = 0;
        for (int i = Math.max(-r, -y); i <= Math.min(r, h - 1 - y); i++) {
          sum += (long) k[i + r] * across[(y + i) * w + x];
        }
        int blurred = (int) ((sum + (1L << 31)) >>> 32);
        out[(y * w + x) * 4 + 3] = (byte) Math.min(a, blurred);
      }
    }
    return out;
  }

  /**
   * Weights of a Gaussian out to 3 sigma, rounded to sum to exactly 2^16 (the centre takes the
   * rest).
   */
  static int[] kernel(double sigma) {
    int r = Math.max(1, (int) Math.ceil(3 * sigma));
    double[] g = new double[2 * r + 1];
    double total = 0;
    for (int i = -r; i <= r; i++) {
      g[i + r] = StrictMath.exp(-(double) i * i / (2 * sigma * sigma));
      total += g[i + r];
    }
    int[] k = new int[2 * r + 1];
    int sum = 0;
    for (int i = 0; i < k.length; i++) {
      k[i] = (int) Math.round(g[i] / total * ONE);
      sum += k[i];
    }
    k[r] += ONE - sum;
    return k;
  }
}
