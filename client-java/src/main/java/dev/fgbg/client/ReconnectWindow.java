package dev.fgbg.client;

import static dev.fgbg.common.Durations.words;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * How long a consumer keeps trying once every replica failed UNAVAILABLE (the Python client's
 * {@code fgbg.reconnect} is the same rule): it waits a back-off (from 0.5 s, doubling, at most
 * 5 s) and tries the replicas again, for up to the window from when they had all failed; an
 * answer closes the window. Zero (the default) gives up at once. The first wait of a window is
 * logged once at WARNING; when the window passes, the last status goes on with "(gave up after
 * ... of trying)". Only its consumer's thread uses it.
 */
final class ReconnectWindow {
  private static final Logger LOG = Logger.getLogger(ReconnectWindow.class.getName());
  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long MOST_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Duration window;
  private boolean open;
  private long until;
  private long pause;
  private String who = ""; // what the open window waits for, in words

  ReconnectWindow(Duration window) {
    this.window = checked(window);
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
          (System.nanoTime() - until + window.toNanos()) / 1e9));
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
    long now = System.nanoTime();
    if (!open) {
      open = true;
      until = now + window.toNanos();
      pause = FIRST_PAUSE_NANOS;
      who = "the fgbg " + (targets.size() == 1 ? "server at " + targets.get(0)
          : "servers at " + String.join(", ", targets));
      LOG.warning(who + (targets.size() == 1 ? " is" : " are") + " not answering; trying "
          + "again for up to " + words(window) + " (reconnect " + words(window) + ")");
    }
    long left = until - now;
    if (left <= 0) {
      throw gaveUp(e);
    }
    try {
      TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw e;
    }
    pause = Math.min(pause * 2, MOST_PAUSE_NANOS);
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
