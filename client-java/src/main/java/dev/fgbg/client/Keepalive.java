package dev.fgbg.client;

import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A client's HTTP/2 keepalive while calls are open: when nothing arrives for {@code time}, ping;
 * when the ping is not answered within {@code timeout}, close the connection, so its calls end
 * UNAVAILABLE ({@link TransportWords}: the server stopped answering) and {@link FgbgReplicas}
 * fails over. This is what notices a replica that hangs (SIGSTOP, a frozen VM, a network that
 * drops packets silently) rather than dies: a busy server still answers, since pings are
 * answered by its transport's event loop, not by its workers. No pings without calls: an idle
 * connection needs none, and the server refuses them.
 *
 * @param time null for off
 */
record Keepalive(Duration time, Duration timeout) {
  /** The most often an fgbg server lets a client ping (its permitKeepAliveTime). */
  static final Duration MIN_TIME = Duration.ofSeconds(20);
  /** Notices a hung server within about 50 s, at one small frame per 30 s of silence. */
  static final Keepalive DEFAULT = new Keepalive(Duration.ofSeconds(30), Duration.ofSeconds(20));
  static final Keepalive OFF = new Keepalive(null, null);

  /** Checked settings; a zero {@code time} is off. IllegalArgumentException naming the bad one. */
  static Keepalive of(Duration time, Duration timeout) {
    if (time != null && time.isZero()) {
      return OFF;
    }
    if (time == null || time.compareTo(MIN_TIME) < 0 || time.toDays() > 36_500) {
      throw new IllegalArgumentException("keepalive time must be at least "
          + MIN_TIME.toSeconds() + " s (an fgbg server closes the connection of a client that "
          + "pings more often: too_many_pings) and at most 36500 days, or zero for off, got "
          + time);
    }
    return new Keepalive(time, Durations.positive("keepalive timeout", timeout));
  }

  /** {@code b} with these settings. */
  ManagedChannelBuilder<?> apply(ManagedChannelBuilder<?> b) {
    if (time == null) {
      return b.keepAliveTime(Long.MAX_VALUE, TimeUnit.NANOSECONDS); // gRPC's "never"
    }
    return b.keepAliveTime(time.toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveWithoutCalls(false);
  }
}
