package dev.fgbg.server;

import dev.fgbg.common.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.logging.Logger;

/**
 * What SIGTERM, SIGINT and SIGHUP do to {@code fgbg serve}, in place of the JVM's handlers,
 * which run the shutdown hooks without saying which signal came. SIGTERM with a
 * {@code --drain-delay} first turns health NOT_SERVING and keeps serving for that long (a pod's
 * removal from its Service reaches clients while its port is still open); a second signal ends
 * the delay early. SIGINT (Ctrl-C, at a terminal) and SIGHUP (the terminal gone; certificates
 * and tokens are reloaded by polling, so a HUP has nothing to reload) do not wait. Then the
 * process exits as the JVM's handler would (status 128 + the signal's number), and the shutdown
 * hook stops the server naming the signal ({@link #why()}).
 */
final class StopSignals {
  private static final Logger LOG = Logger.getLogger(FgbgApplication.class.getName());

  private volatile Duration drainDelay;
  private final BooleanSupplier notServing;
  private final IntConsumer exit;
  private final AtomicReference<String> first = new AtomicReference<>();
  private final CountDownLatch cut = new CountDownLatch(1);
  private volatile String cutBy;
  private volatile long firstAt; // System.nanoTime() as the first signal came
  private volatile boolean drainOver; // none to come, or done: a later signal ends no drain

  /**
   * @param notServing turns health NOT_SERVING for good, calls still served; false when
   *     nothing listens yet (a signal during start-up), so there is nothing to drain
   * @param exit {@code System::exit} outside tests
   */
  StopSignals(Duration drainDelay, BooleanSupplier notServing, IntConsumer exit) {
    this.drainDelay = drainDelay;
    this.notServing = notServing;
    this.exit = exit;
  }

  /** Drains for {@code d} on a SIGTERM from now on (once the options say how long). */
  void drainDelay(Duration d) {
    drainDelay = d;
  }

  /** Handles SIGTERM, SIGINT and SIGHUP from now on (where the JVM lets it: SignalHandlers). */
  StopSignals install() {
    SignalHandlers.handle("TERM", this::received);
    SignalHandlers.handle("INT", this::received);
    SignalHandlers.handle("HUP", this::received);
    return this;
  }

  /** Signal SIG{@code name} of {@code number} arrived (on a thread of its own). */
  void received(String name, int number) {
    String signal = "SIG" + name;
    long now = System.nanoTime();
    if (!first.compareAndSet(null, signal)) {
      if (!drainOver) {
        cutBy = signal; // a drain under way ends now; a stop under way goes on as it was
      }
      cut.countDown();
      return;
    }
    firstAt = now;
    Duration drain = drainDelay;
    if (name.equals("TERM") && !drain.isZero()) {
      drain(drain);
    }
    drainOver = true;
    exit.accept(128 + number);
  }

  private void drain(Duration delay) {
    if (!notServing.getAsBoolean()) {
      return; // still starting: no client to move away, so it stops at once
    }
    LOG.info(String.format(Locale.ROOT, "SIGTERM: draining for %s (--drain-delay): health "
        + "NOT_SERVING, calls still accepted and served; then stopping (another SIGTERM or a "
        + "SIGINT stops sooner)", Durations.words(delay)));
    long start = System.nanoTime();
    try {
      if (cut.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.info(String.format(Locale.ROOT, "%s ended the drain after %.2f s", cutBy,
            (System.nanoTime() - start) / 1e9));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stop now
    }
  }

  /** The first signal and when it came, for the stop line's count; null when none came. */
  StopLines.Signalled signalled() {
    String signal = first.get();
    long at = firstAt; // 0 for an instant after the signal's first read
    return signal == null || at == 0 ? null : new StopLines.Signalled(signal, at);
  }

  /** Why the server stops, for its stop line: the signal, or the JVM's exit when none came. */
  String why() {
    String signal = first.get();
    String by = cutBy;
    if (signal == null) {
      return "the JVM's exit";
    }
    return by == null || by.equals(signal) ? signal : signal + ", its drain ended by " + by;
  }
}
