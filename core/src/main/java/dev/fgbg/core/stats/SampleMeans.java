package dev.fgbg.core.stats;

/**
 * The spread of per-sample means, for the standard error of a random subset's mean: for each
 * channel, the count, mean and sum of squared deviations of the values added (Welford), merged
 * in a fixed order (Chan et al.) so that the result is the same every time. Samples are the
 * unit: each value is one sample's mean over its pixels.
 */
final class SampleMeans {
  /** R, G, B, mask, depth. */
  static final int CHANNELS = 5;

  private long n;
  private final double[] mean = new double[CHANNELS];
  private final double[] m2 = new double[CHANNELS];

  /** Adds one sample's channel means (any value for a channel not computed). */
  void add(double... x) {
    n++;
    for (int c = 0; c < CHANNELS; c++) {
      double d = x[c] - mean[c];
      mean[c] += d / n;
      m2[c] += d * (x[c] - mean[c]);
    }
  }

  /** Adds everything {@code o} holds. */
  void merge(SampleMeans o) {
    if (o.n == 0) {
      return;
    }
    long total = n + o.n;
    for (int c = 0; c < CHANNELS; c++) {
      double d = o.mean[c] - mean[c];
      mean[c] += d * o.n / total;
      m2[c] += o.m2[c] + d * d * ((double) n * o.n / total);
    }
    n = total;
  }

  /**
   * The standard error of channel {@code c}'s mean for a subset drawn without replacement from
   * {@code population} samples: sqrt((1 − n/N) · s² / n), s² with n − 1 in the denominator;
   * NaN below two samples.
   */
  double standardError(int c, long population) {
    if (n < 2) {
      return Double.NaN;
    }
    double variance = m2[c] / (n - 1);
    double fpc = Math.max(0, 1 - (double) n / population);
    return Math.sqrt(fpc * variance / n);
  }
}
