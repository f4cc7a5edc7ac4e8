package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The stop line's words for each way signals can come (StopSignalsTest runs real processes). */
class StopSignalsWordsTest {
  @Test
  void aDrainEndedByAnotherSignalNamesBoth() throws Exception {
    AtomicInteger exit = new AtomicInteger();
    CountDownLatch draining = new CountDownLatch(1);
    StopSignals signals = new StopSignals(Duration.ofMinutes(10), serving(draining), exit::set);
    CompletableFuture<Void> term = CompletableFuture.runAsync(() -> signals.received("TERM", 15));
    assertTrue(draining.await(10, TimeUnit.SECONDS)); // health NOT_SERVING: the drain is on
    signals.received("INT", 2);
    term.get(10, TimeUnit.SECONDS);
    assertEquals(143, exit.get(), "the first signal's status, as the JVM's handler gives");
    assertEquals("SIGTERM, its drain ended by SIGINT", signals.why());
  }

  /**
   * A SIGTERM while the server still loads (nothing listens) drained for --drain-delay all
   * the same, saying calls were served: it stops at once, with no drain line.
   */
  @Test
  void aSigtermBeforeTheServerListensDoesNotDrain() throws Exception {
    AtomicInteger exit = new AtomicInteger();
    StopSignals starting = new StopSignals(Duration.ofMinutes(10), () -> false, exit::set);
    CompletableFuture.runAsync(() -> starting.received("TERM", 15)).get(10, TimeUnit.SECONDS);
    assertEquals(143, exit.get());
    assertEquals("SIGTERM", starting.why());
  }

  /** Health NOT_SERVING as a listening server turns it, counted down on {@code draining}. */
  private static BooleanSupplier serving(CountDownLatch draining) {
    return () -> {
      draining.countDown();
      return true;
    };
  }

  @Test
  void oneSignalOrASecondOfTheSameIsNamedOnce() throws Exception {
    StopSignals one = new StopSignals(Duration.ZERO, () -> true, code -> { });
    assertEquals("the JVM's exit", one.why());
    one.received("INT", 2);
    assertEquals("SIGINT", one.why());
    // Without a drain a later signal ends none: the stop line names the first alone.
    StopSignals noDrain = new StopSignals(Duration.ZERO, () -> true, code -> { });
    noDrain.received("TERM", 15);
    noDrain.received("INT", 2);
    assertEquals("SIGTERM", noDrain.why());
    CountDownLatch draining = new CountDownLatch(1);
    StopSignals twice = new StopSignals(Duration.ofMinutes(10), serving(draining), code -> { });
    CompletableFuture<Void> term = CompletableFuture.runAsync(() -> twice.received("TERM", 15));
    assertTrue(draining.await(10, TimeUnit.SECONDS));
    twice.received("TERM", 15);
    term.get(10, TimeUnit.SECONDS);
    assertTrue(term.isDone());
    assertEquals("SIGTERM", twice.why());
  }
}
