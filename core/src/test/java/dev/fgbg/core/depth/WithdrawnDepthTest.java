package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.DepthMap;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A depth request whose every caller has gone leaves the batcher's queue without being
 * computed; one that another caller still waits for, or that the model already took, is computed,
 * delivered and cached. The batcher runs on a ticker the test moves and a model behind a gate.
 */
class WithdrawnDepthTest {
  private static final DepthKey SHARED = new DepthKey("a".repeat(64), 1, 1);
  private static final DepthKey ALONE = new DepthKey("a".repeat(64), 1, 2);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final DepthStats stats = DepthStats.concurrent();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final DynamicBatcherTest.FakeModel model = new DynamicBatcherTest.FakeModel(gate);

  private DynamicBatcher batcher(Duration delay) {
    return new DynamicBatcher(model, 8, delay, 100, stats, now::get,
        new NamedThreads("test-withdrawn")).start();
  }

  /** Sample {@code key} through {@code cache}, its "depth" being {@code v}. */
  private static CompletableFuture<DepthMap> depth(DepthCache cache, DynamicBatcher b,
      DepthKey key, int v) {
    return cache.get(key, () -> b.submitRounded(
        new DepthModel.Image(new byte[] {(byte) v, 0, 0}, 0, 1, 1), 1, 1));
  }

  private static void awaitState(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void aQueuedRequestWhoseOnlyCallerLeftIsNotInferredAndOneOfTwoCallersKeepsItsOwn()
      throws Exception {
    DepthCache cache = new DepthCache(1 << 20, null, stats);
    try (DynamicBatcher b = batcher(Duration.ofMillis(200))) {
      CompletableFuture<DepthMap> first = depth(cache, b, SHARED, 6);
      CompletableFuture<DepthMap> second = depth(cache, b, SHARED, 6);
      CompletableFuture<DepthMap> alone = depth(cache, b, ALONE, 7);
      awaitState(() -> b.forming() == 2, "both requests are gathered, short of the delay");
      assertTrue(first.cancel(false));
      assertTrue(alone.cancel(false));
      assertEquals(1, stats.snapshot().withdrawn(), "the sample nobody waits for is withdrawn");
      assertFalse(second.isDone(), "the other caller of the shared sample still waits");
      now.addAndGet(Duration.ofMillis(200).toNanos());
      gate.countDown();
      assertEquals(6f, second.get(10, TimeUnit.SECONDS).values()[0]);
      assertThrows(CancellationException.class, first::join);
      assertEquals(List.of(1), model.batches, "only the sample still wanted was inferred");
      assertEquals(1, stats.snapshot().inferred());
      awaitState(() -> b.queued() == 0, "the withdrawn request has left the queue");
      // The withdrawn sample was not cached as a failure: asked again, it is computed.
      CompletableFuture<DepthMap> again = depth(cache, b, ALONE, 7);
      now.addAndGet(Duration.ofMillis(200).toNanos());
      assertEquals(7f, again.get(10, TimeUnit.SECONDS).values()[0]);
      assertEquals(2, stats.snapshot().inferred());
      assertEquals(3, stats.snapshot().misses(), "shared once, alone twice");
    }
  }

  @Test
  void aRequestTheModelTookIsComputedAndCachedThoughItsOnlyCallerLeft() throws Exception {
    DepthCache cache = new DepthCache(1 << 20, null, stats);
    try (DynamicBatcher b = batcher(Duration.ZERO)) {
      CompletableFuture<DepthMap> gone = depth(cache, b, SHARED, 9);
      assertTrue(model.entered.await(10, TimeUnit.SECONDS), "the model runs the request");
      assertTrue(gone.cancel(false), "the caller's own future is cancelled");
      assertEquals(0, stats.snapshot().withdrawn(), "too late to withdraw");
      gate.countDown();
      awaitState(() -> stats.snapshot().inferred() == 1, "the batch completes");
      CompletableFuture<DepthMap> later = depth(cache, b, SHARED, 9);
      assertEquals(9f, later.get(10, TimeUnit.SECONDS).values()[0]);
      assertEquals(1, stats.snapshot().misses(),
          "the next caller finds it cached: no second computation");
      assertEquals(List.of(1), model.batches);
    }
  }

  @Test
  void aBatcherRequestCancelledOnceTakenIsRefusedAndDelivered() throws Exception {
    try (DynamicBatcher b = batcher(Duration.ZERO)) {
      DepthRequest<float[]> r = b.submit(new DepthModel.Image(new byte[] {4, 0, 0}, 0, 1, 1),
          1, 1);
      assertTrue(model.entered.await(10, TimeUnit.SECONDS));
      assertFalse(r.cancel(false), "taken by the model: not cancelled");
      gate.countDown();
      assertEquals(4f, r.get(10, TimeUnit.SECONDS)[0]);
      CompletableFuture<float[]> dependent = r.thenApply(m -> m);
      assertSame(CompletableFuture.class, dependent.getClass(), "dependents are plain futures");
    }
  }
}
