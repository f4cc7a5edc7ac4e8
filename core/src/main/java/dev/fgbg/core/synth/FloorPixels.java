package dev.fgbg.core.synth;

import java.util.Arrays;

/**
 * The pixels of a depth map that show a floor-like surface, sorted by depth: where the surface
 * is locally a plane facing up, within {@link #MAX_TILT_DEGREES} of the camera's up axis.
 *
 * <p>Through a pinhole camera, a plane's inverse depth is affine in the pixel coordinates; the
 * plane's normal, facing the camera, is ∝ −(f·∂q/∂u, f·∂q/∂v,
 * q − (u − cx)·∂q/∂u − (v − cy)·∂q/∂v) with q = 1/depth (y pointing down the
 * image). Derivatives are central differences over {@link #STEP} pixels, and a pixel counts only
 * where q is affine to within 5% along both axes (no depth edge runs through it). A map with no
 * such pixel falls back to its bottom row, flagged by {@link #fallback}.
 *
 * @param pixels image pixel indices (y·width + x), nearest first (ties by index)
 * @param depth their depths, ascending
 */
public record FloorPixels(int[] pixels, float[] depth, boolean fallback) {
  public static final double MAX_TILT_DEGREES = 30;
  static final int STEP = 2;
  private static final double MIN_COS = StrictMath.cos(StrictMath.toRadians(MAX_TILT_DEGREES));
  private static final double AFFINE = 0.05;

  /**
   * The floor-like pixels of {@code depth} (width×height, positive) seen through
   * {@code camera}.
   */
  public static FloorPixels of(float[] depth, int width, int height, PinholeCamera camera) {
    double f = camera.focal();
    double cx = width / 2.0;
    double cy = height / 2.0;
    int s = STEP;
    long[] keys = new long[width * height];
    int n = 0;
    for (int v = s; v < height - s; v++) {
      for (int u = s; u < width - s; u++) {
        int p = v * width + u;
        if (!(depth[p] > 0 && depth[p - s] > 0 && depth[p + s] > 0 && depth[p - s * width] > 0
            && depth[p + s * width] > 0)) {
          continue;
        }
        double q = 1 / (double) depth[p];
        double ql = 1 / (double) depth[p - s];
        double qr = 1 / (double) depth[p + s];
        double qu = 1 / (double) depth[p - s * width];
        double qd = 1 / (double) depth[p + s * width];
        if (Math.abs(ql + qr - 2 * q) > AFFINE * q || Math.abs(qu + qd - 2 * q) > AFFINE * q) {
          continue;
        }
        double gu = (qr - ql) / (2 * s);
        double gv = (qd - qu) / (2 * s);
        double nx = f * gu;
        double ny = f * gv;
        double nz = q - (u + 0.5 - cx) * gu - (v + 0.5 - cy) * gv;
        double norm = Math.sqrt(nx * nx + ny * ny + nz * nz);
        // The camera-facing normal is −(nx, ny, nz); "up" is −y, so its cosine is ny / norm.
        if (norm > 0 && ny >= MIN_COS * norm) {
          keys[n++] = key(depth[p], p);
        }
      }
    }
    boolean fallback = n == 0;
    if (fallback) {
      for (int u = 0; u < width; u++) {
        int p = (height - 1) * width + u;
        keys[n++] = key(depth[p], p);
      }
    }
    long[] sorted = Arrays.copyOf(keys, n);
    Arrays.sort(sorted);
    int[] pixels = new int[n];
    float[] depths = new float[n];
    for (int i = 0; i < n; i++) {
      pixels[i] = (int) sorted[i];
      depths[i] = depth[pixels[i]];
    }
    return new FloorPixels(pixels, depths, fallback);
  }

  /** Depth (positive, so its bits order as the values do) above, the pixel index below. */
  private static long key(float depth, int pixel) {
    return ((long) Float.floatToIntBits(depth) << 32) | pixel;
  }

  public int size() {
    return pixels.length;
  }

  /** The first index whose depth is at least {@code d}. */
  public int firstAtLeast(double d) {
    int lo = 0;
    int hi = depth.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (depth[mid] < d) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
