package dev.fgbg.core;

/**
 * How fast a long job goes and how long it has left: the one formula the export's and the stats'
 * progress reports (gRPC and web UI) share, so that they agree on a figure.
 *
 * @param perSecond items done per second of elapsed time
 * @param etaSeconds seconds left at that rate; 0 before anything is done
 */
public record Rate(double perSecond, double etaSeconds) {
  /**
   * How often, at most, a gRPC call reports progress: often enough to look live, rarely enough
   * that the messages cost nothing beside the work.
   */
  public static final long PACE_NANOS = 200_000_000L;

  /**
   * @param done items done so far
   * @param total items in all
   * @param elapsedNanos time since the job began (0 reads as a nanosecond, not a division by 0)
   */
  public static Rate of(long done, long total, long elapsedNanos) {
    double rate = done / Math.max(1e-9, elapsedNanos / 1e9);
    return new Rate(rate, rate > 0 ? (total - done) / rate : 0);
  }
}
