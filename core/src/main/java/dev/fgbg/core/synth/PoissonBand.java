package dev.fgbg.core.synth;

/**
 * How much of the Poisson correction (solved − cut-out) each mask pixel takes: 1 on the mask's
 * edge, where the canvas holds the boundary, easing (smoothstep) to 0 at {@link #bandPixels}
 * inside it. Plain Poisson cloning replaces a cut-out's colour by the membrane of the canvas
 * around it (a flat object vanishes); limiting the correction to this band hides the seam the
 * same way while the object keeps its own colour beyond it.
 */
final class PoissonBand {
  /** Chamfer steps (3-4 weights: within 8% of Euclidean), in thirds of a pixel. */
  private static final int STEP = 3;
  private static final int DIAGONAL = 4;
  /**
   * The band is this fraction of the cut-out's depth (its deepest pixel's distance from the
   * edge): a quarter keeps the inner three quarters of the depth exactly the cut-out's colour
   * yet spreads a strong colour step over several pixels. No floor in pixels: the edge pixel
   * takes the whole correction whatever the band (the seam is hidden), while a floor wider than
   * a quarter of the depth took thin objects over (a 7 px bar became mostly canvas colour).
   */
  static final double BAND_FRACTION = 0.25;
  private static final int FAR = Integer.MAX_VALUE / 2;

  private PoissonBand() {}

  /**
   * The weight of each unknown, {@code index[fy·fw + fx]} (−1: not in the mask) as placed at
   * (x, y) in a width×height image. Distances run from every image pixel outside the mask
   * (past the image edge nothing holds the boundary, so none starts there), in two sequential
   * chamfer sweeps over the frame grown by one pixel: the same integers on every run.
   */
  static double[] weights(int[] index, int n, int fw, int fh, int x, int y, int width,
      int height) {
    int gw = fw + 2;
    int gh = fh + 2;
    int[] d = new int[gw * gh];
    for (int gy = 0; gy < gh; gy++) {
      for (int gx = 0; gx < gw; gx++) {
        int fx = gx - 1;
        int fy = gy - 1;
        boolean inImage = x + fx >= 0 && y + fy >= 0 && x + fx < width && y + fy < height;
        boolean inMask = fx >= 0 && fy >= 0 && fx < fw && fy < fh && index[fy * fw + fx] >= 0;
        d[gy * gw + gx] = inImage && !inMask ? 0 : FAR;
      }
    }
    for (int gy = 0; gy < gh; gy++) {
      for (int gx = 0; gx < gw; gx++) {
        int p = gy * gw + gx;
        int v = d[p];
        if (gx > 0) {
          v = Math.min(v, d[p - 1] + STEP);
        }
        if (gy > 0) {
          v = Math.min(v, d[p - gw] + STEP);
          v = gx > 0 ? Math.min(v, d[p - gw - 1] + DIAGONAL) : v;
          v = gx < gw - 1 ? Math.min(v, d[p - gw + 1] + DIAGONAL) : v;
        }
        d[p] = v;
      }
    }
    for (int gy = gh - 1; gy >= 0; gy--) {
      for (int gx = gw - 1; gx >= 0; gx--) {
        int p = gy * gw + gx;
        int v = d[p];
        if (gx < gw - 1) {
          v = Math.min(v, d[p + 1] + STEP);
        }
        if (gy < gh - 1) {
          v = Math.min(v, d[p + gw] + STEP);
          v = gx < gw - 1 ? Math.min(v, d[p + gw + 1] + DIAGONAL) : v;
          v = gx > 0 ? Math.min(v, d[p + gw - 1] + DIAGONAL) : v;
        }
        d[p] = v;
      }
    }
    int[] depth = new int[n];
    int deepest = 0;
    for (int fy = 0; fy < fh; fy++) {
      for (int fx = 0; fx < fw; fx++) {
        int i = index[fy * fw + fx];
        if (i >= 0) {
          depth[i] = d[(fy + 1) * gw + fx + 1];
          deepest = Math.max(deepest, depth[i]);
        }
      }
    }
    double band = bandPixels(deepest / (double) STEP);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      // 0 on the edge pixels (one step from the canvas), in pixels.
      double t = Math.min(1, (depth[i] - STEP) / (STEP * band));
      w[i] = 1 - t * t * (3 - 2 * t);
    }
    return w;
  }

  /** The band's width for a cut-out whose deepest pixel is {@code depth} pixels in. */
  static double bandPixels(double depth) {
    return BAND_FRACTION * depth;
  }
}
