package dev.fgbg.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * How long a consumer keeps trying once every replica failed UNAVAILABLE (the Python client's
 * {@code fgbg.reconnect} is the same rule): it waits a back-off (from 0.5 s, doubling, at most
 * 5 s) and tries the replicas again, for up to the window from when they had all failed; an
 * answer closes the window. Zero (the default) gives up at once. Each pause is jittered
 * ({@link #pause}: between half and one and a half times the back-off, at random), so that the
 * many consumers that lost one server at once do not all try again at the same instants and
 * stampede the restarted server; only timing is random, never the batches. The first wait of a
 * window is logged once at WARNING ("... trying again for up to 60 s (reconnect window)", the
 * Python client's words); when the window passes, the last status goes on with "(gave up after
 * 60 s of trying)". Only its consumer's thread uses it.
 *
 * <p>Time comes from a nanosecond ticker ({@code System::nanoTime} outside tests), a
 * {@link LongSupplier} as in the common module's {@code MinuteLines}: the client does not
 * depend on Caffeine, whose {@code Ticker} the server uses.
 */
final class ReconnectWindow {
  private static final Logger LOG = Logger.getLogger(ReconnectWindow.class.getName());
  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long MOST_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Duration window;
  private final DoubleSupplier random;
  private final Sleep sleep;
  private final LongSupplier nanos;
  private boolean open;
  private long until;
  private long backoff;
  private String who = ""; // what the open window waits for, in words

  ReconnectWindow(Duration window) {
    // Each thread's own generator, seeded apart in every JVM: consumers' draws differ.
    this(window, () -> ThreadLocalRandom.current().nextDouble(), TimeUnit.NANOSECONDS::sleep,
        System::nanoTime);
  }

  /**
   * With each pause's draw in [0, 1) from {@code random}, {@code sleep}, and the time in
   * nanoseconds from {@code nanos}: for tests.
   */
  ReconnectWindow(Duration window, DoubleSupplier random, Sleep sleep, LongSupplier nanos) {
    this.window = checked(window);
    this.random = random;
    this.sleep = sleep;
    this.nanos = nanos;
  }

  /** How a pause is waited out (nanoseconds). */
  @FunctionalInterface
  interface Sleep {
    void nanos(long nanos) throws InterruptedException;
  }

  /**
   * The jittered pause for {@code backoffNanos}, {@code draw} in [0, 1): the one rule (the
   * Python client's {@code fgbg.reconnect.pause} is the same).
   */
  static long pause(long backoffNanos, double draw) {
    return Math.round(backoffNanos * (0.5 + draw));
  }

  /** {@code d} in seconds as the log lines and statuses say it ("60 s", "1.5 s"), as Python. */
  static String words(Duration d) {
    return BigDecimal.valueOf(d.toNanos(), 9).setScale(3, RoundingMode.HALF_EVEN)
        .stripTrailingZeros().toPlainString() + " s";
  }

  /** {@code window} when zero or positive (at most 36,500 days), else a refusal naming it. */
  static Duration checked(Duration window) {
    if (window == null || window.isNegative() || window.toDays() > 36_500) {
      throw new IllegalArgumentException("reconnect must be zero (off) or a positive duration "
          + "of at most 36500 days, got " + window);
    }
    return window;
  }

  /** The replicas answered: the next failure opens a new window. */
  void close() {
    if (open) {
      LOG.info(String.format(Locale.ROOT, "%s answered again after %.1f s", who,
          (nanos.getAsLong() - until + window.toNanos()) / 1e9));
    }
    open = false;
  }

  /**
   * Returns after the next back-off, or throws {@code e}: at once when the window is zero, with
   * the gave-up note when it has passed (or the thread was interrupted while waiting).
   */
  void await(StatusRuntimeException e, List<String> targets) {
    if (window.isZero()) {
      throw e;
    }
    long now = nanos.getAsLong();
    if (!open) {
      open = true;
      until = now + window.toNanos();
      backoff = FIRST_PAUSE_NANOS;
      who = "the fgbg " + (targets.size() == 1 ? "server at " + targets.get(0)
          : "servers at " + String.join(", ", targets));
      LOG.warning(who + (targets.size() == 1 ? " is" : " are") + " not answering; trying "
          + "again for up to " + words(window) + " (reconnect window)");
    }
    long left = until - now;
    if (left <= 0) {
      throw gaveUp(e);
    }
    try {
      sleep.nanos(Math.min(pause(backoff, random.getAsDouble()), left));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw e;
    }
    backoff = Math.min(backoff * 2, MOST_PAUSE_NANOS);
  }

  /** {@code e} with the note on its description's first line (the line the CLI prints). */
  private StatusRuntimeException gaveUp(StatusRuntimeException e) {
    Status s = e.getStatus();
    String d = s.getDescription() == null ? "" : s.getDescription();
    int eol = d.indexOf('\n');
    String note = " (gave up after " + words(window) + " of trying)";
    String said = eol < 0 ? d + note : d.substring(0, eol) + note + d.substring(eol);
    return new StatusRuntimeException(s.withDescription(said), e.getTrailers());
  }
}
