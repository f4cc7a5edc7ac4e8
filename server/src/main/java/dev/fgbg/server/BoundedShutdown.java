package dev.fgbg.server;

import java.time.Duration;
import java.util.function.IntConsumer;

/**
 * Runs a close within a bound, or ends the process: on SIGTERM the server must be gone within
 * its grace period (plus a little), even if some part of it (a transport, a native session) does
 * not let go. The close runs on its own thread so that the caller can give up on it.
 */
final class BoundedShutdown {
  /** Exit status when the bound is overrun: that of a process ended by SIGTERM. */
  static final int EXIT_CODE = 143;

  private BoundedShutdown() {}

  /**
   * Closes {@code target}, waiting at most {@code bound}; past it, calls {@code halt} with
   * {@link #EXIT_CODE} ({@code Runtime.getRuntime()::halt} outside tests).
   */
  static void close(AutoCloseable target, Duration bound, IntConsumer halt)
      throws InterruptedException {
    Thread closer = new Thread(() -> {
      try {
        target.close();
      } catch (Exception e) {
        System.err.println("fgbg: error while stopping: " + e);
      }
    }, "fgbg-close");
    closer.setDaemon(true);
    closer.start();
    closer.join(Math.max(1, bound.toMillis()));
    if (closer.isAlive()) {
      System.err.println("fgbg: stopping took longer than " + bound.toMillis() + " ms; exiting");
      halt.accept(EXIT_CODE);
    }
  }
}
