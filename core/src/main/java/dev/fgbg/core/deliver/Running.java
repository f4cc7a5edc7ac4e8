package dev.fgbg.core.deliver;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pieces whose work has started and not yet finished. A delivery's end waits for them, so
 * that nothing a piece does (write an export file, copy into a ring slot) happens after its sink
 * heard the end and let go of what the work writes into. Work stops between samples once its
 * piece is dropped, so the wait is at most one sample's render; a piece waiting for teacher depth
 * withdraws its queued requests at once, and waits only for a batch the model already took.
 */
final class Running {
  private final AtomicInteger count = new AtomicInteger();
  private final AtomicBoolean fired = new AtomicBoolean();
  private volatile Runnable whenIdle;

  /** A piece's work starts. */
  void enter() {
    count.incrementAndGet();
  }

  /** A piece's work has finished (its future completed, either way). */
  void exit() {
    if (count.decrementAndGet() == 0 && whenIdle != null) {
      fire();
    }
  }

  /** Runs {@code then} once, as soon as no piece's work is running (now, if none is). */
  void whenIdle(Runnable then) {
    whenIdle = then;
    if (count.get() == 0) {
      fire();
    }
  }

  private void fire() {
    if (fired.compareAndSet(false, true)) {
      whenIdle.run();
    }
  }
}
