package dev.fgbg.client.cli;

/**
 * The one rate of {@code fgbg stream}: samples over the time since the call began, for its
 * progress lines (and their ETA) and its final {@code samples/s} alike, so the last progress
 * line and the summary agree. A rate from the second batch on overstated it (10× with slow
 * depth): the server renders ahead while the first batch is awaited, so the second came at once.
 */
final class Rates {
  private Rates() {}

  /** Samples per second of {@code samples} received {@code nanos} after the call began. */
  static double perSecond(long samples, long nanos) {
    return samples / Math.max(nanos / 1e9, 1e-9);
  }

  /** Seconds until {@code total} at {@link #perSecond}; 0 when done or with no rate yet. */
  static double eta(long samples, long total, long nanos) {
    double rate = perSecond(samples, nanos);
    return samples >= total || rate <= 0 ? 0 : (total - samples) / rate;
  }
}
