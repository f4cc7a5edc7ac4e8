package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition in a test: polled, with a deadline, never a bare sleep. */
final class Polls {
  private Polls() {}

  /** Returns once {@code condition} holds; fails naming {@code what} after {@code within}. */
  static void await(BooleanSupplier condition, String what, Duration within)
      throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("no " + what + " within " + within);
      }
      Thread.sleep(10);
    }
  }
}
