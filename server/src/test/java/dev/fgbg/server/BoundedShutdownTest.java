package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedShutdownTest {
  @Test
  void aCloseThatReturnsEndsWithoutHalting() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    AtomicInteger halted = new AtomicInteger(-1);
    BoundedShutdown.close(closed::countDown, Duration.ofSeconds(30), halted::set);
    assertEquals(0, closed.getCount());
    assertEquals(-1, halted.get());
  }

  @Test
  void aCloseThatHangsEndsTheProcessAtTheBound() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger halted = new AtomicInteger(-1);
    try {
      BoundedShutdown.close(() -> never.await(1, TimeUnit.MINUTES), Duration.ofMillis(200),
          halted::set);
      assertEquals(BoundedShutdown.EXIT_CODE, halted.get());
    } finally {
      never.countDown();
    }
  }
}
