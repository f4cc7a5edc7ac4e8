package dev.fgbg.client;

import java.time.Duration;

/** The check of the client's duration settings. */
final class Durations {
  private Durations() {}

  /** {@code d} when positive and at most 36,500 days (gRPC counts nanoseconds in a long). */
  static Duration positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero() || d.toDays() > 36_500) {
      throw new IllegalArgumentException(name + " must be a positive duration of at most "
          + "36500 days, got " + d);
    }
    return d;
  }
}
