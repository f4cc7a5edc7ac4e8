package dev.fgbg.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HTTP pool keeps no more threads than requests need at once: one request after another
 * reuses one thread (a scrape every few seconds kept dozens), a crowd gets a thread each up to
 * the bound, and a request beyond the bound waits for a thread rather than being refused.
 */
class JdkHttpPoolTest {
  @Test
  void requestsOneAfterAnotherReuseAnIdleThread() throws Exception {
    ExecutorService pool = JdkHttp.pool("test-http", 128);
    try {
      LinkedTransferQueue<?> queue = (LinkedTransferQueue<?>) ((ThreadPoolExecutor) pool)
          .getQueue();
      for (int i = 0; i < 50; i++) {
        pool.submit(() -> { }).get(10, TimeUnit.SECONDS);
        // The next request comes once the thread waits for one again (a scrape comes seconds
        // later); one that comes sooner than that gets a thread of its own, by design.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!queue.hasWaitingConsumer() && System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      }
      int threads = ((ThreadPoolExecutor) pool).getPoolSize();
      assertEquals(1, threads, threads + " threads for 50 requests one at a time");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCrowdGetsAThreadEachUpToTheBoundThenWaits() throws Exception {
    ExecutorService pool = JdkHttp.pool("test-http", 8);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(8);
    CountDownLatch done = new CountDownLatch(12);
    try {
      for (int i = 0; i < 12; i++) {
        pool.execute(() -> {
          started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          done.countDown();
        });
      }
      assertTrue(started.await(10, TimeUnit.SECONDS), "8 requests run at once");
      assertEquals(8, ((ThreadPoolExecutor) pool).getPoolSize());
      assertEquals(4, ((ThreadPoolExecutor) pool).getQueue().size(), "4 wait their turn");
      release.countDown();
      assertTrue(done.await(10, TimeUnit.SECONDS), "the 4 ran when threads were free");
    } finally {
      pool.shutdownNow();
    }
  }
}
