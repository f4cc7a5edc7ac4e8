package dev.fgbg.core.stats;

import dev.fgbg.common.Float16;
import dev.fgbg.core.render.RenderedBatch;

/**
 * Exact histograms of rendered samples, filled by {@link StatsCalculator} beside its sums: 256
 * bins for each image channel and for the mask, and one bin per float16 value for depth (depth
 * is served as float16, so no value is rounded into a bin), binned for display at the end
 * (non-finite values, which are never served, are left out).
 * Counts are integers, so the result does not depend on the order partials are merged in.
 * Thread-safe: workers fill their own and {@link #merge} them.
 */
public final class Histograms {
  private static final int HALF_VALUES = 1 << 16;

  /** {@code counts[b]} values fall in {@code [edges[b], edges[b + 1])} (the last bin is closed). */
  public record Binned(double[] edges, long[] counts) {}

  private final long[][] image = new long[3][256];
  private final long[] mask = new long[256];
  private long[] depth;

  /** Counts sample {@code s} of {@code b} (its outputs that were rendered). */
  void add(RenderedBatch b, int s, int pixels) {
    if (b.images() != null) {
      byte[] img = b.images();
      long[] r = image[0];
      long[] g = image[1];
      long[] bl = image[2];
      for (int p = s * pixels * 3, end = p + pixels * 3; p < end; p += 3) {
        r[img[p] & 0xff]++;
        g[img[p + 1] & 0xff]++;
        bl[img[p + 2] & 0xff]++;
      }
    }
    if (b.masks() != null) {
      byte[] m = b.masks();
      for (int p = s * pixels, end = p + pixels; p < end; p++) {
        mask[m[p] & 0xff]++;
      }
    }
    if (b.depth() != null) {
      if (depth == null) {
        depth = new long[HALF_VALUES];
      }
      byte[] d = b.depth();
      for (int p = s * pixels * 2, end = p + pixels * 2; p < end; p += 2) {
        depth[(d[p] & 0xff) | ((d[p + 1] & 0xff) << 8)]++;
      }
    }
  }

  /** Adds {@code other}'s counts to these. */
  synchronized void merge(Histograms other) {
    for (int c = 0; c < 3; c++) {
      add(image[c], other.image[c]);
    }
    add(mask, other.mask);
    if (other.depth != null) {
      if (depth == null) {
        depth = new long[HALF_VALUES];
      }
      add(depth, other.depth);
    }
  }

  private static void add(long[] into, long[] from) {
    for (int i = 0; i < into.length; i++) {
      into[i] += from[i];
    }
  }

  /** Pixels of each value 0..255 of image channel {@code c} (0 R, 1 G, 2 B). */
  public synchronized long[] image(int c) {
    return image[c].clone();
  }

  /** Pixels of each mask value 0..255. */
  public synchronized long[] mask() {
    return mask.clone();
  }

  /**
   * Depth values in {@code bins} equal bins from the smallest to the largest value seen, or
   * null when no depth was counted.
   */
  public synchronized Binned depth(int bins) {
    if (depth == null || bins < 1) {
      return null;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int h = 0; h < HALF_VALUES; h++) {
      float v = Float16.toFloat((short) h);
      if (depth[h] > 0 && Float.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) {
      return null;
    }
    double width = hi > lo ? (hi - lo) / bins : 1;
    double[] edges = new double[bins + 1];
    for (int e = 0; e <= bins; e++) {
      edges[e] = lo + e * width;
    }
    long[] counts = new long[bins];
    for (int h = 0; h < HALF_VALUES; h++) {
      float v = Float16.toFloat((short) h);
      if (depth[h] > 0 && Float.isFinite(v)) {
        int bin = (int) ((v - lo) / width);
        counts[Math.min(bins - 1, bin)] += depth[h];
      }
    }
    return new Binned(edges, counts);
  }
}
