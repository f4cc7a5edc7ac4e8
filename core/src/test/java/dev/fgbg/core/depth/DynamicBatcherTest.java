package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.concurrent.NamedThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class DynamicBatcherTest {
  /** Records batch sizes; each image's "depth" is its first byte. */
  static final class FakeModel implements DepthModel {
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch gate;
    final CountDownLatch entered = new CountDownLatch(1);

    FakeModel(CountDownLatch gate) {
      this.gate = gate;
    }

    @Override
    public float[][] infer(List<Image> images, int outH, int outW) {
      entered.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      batches.add(images.size());
      float[][] out = new float[images.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = new float[] {images.get(i).rgb()[images.get(i).offset()]};
      }
      return out;
    }

    @Override
    public String id() {
      return "fake";
    }

    @Override
    public String units() {
      return "metres";
    }

    @Override
    public int maxBatch() {
      return 8;
    }

    @Override
    public void close() {}
  }

  /** A batcher on the system ticker, started. */
  private static DynamicBatcher batcher(DepthModel m, int maxBatch, Duration delay, int capacity,
      DepthStats stats) {
    return batcher(m, maxBatch, delay, capacity, stats, Ticker.systemTicker());
  }

  private static DynamicBatcher batcher(DepthModel m, int maxBatch, Duration delay, int capacity,
      DepthStats stats, Ticker ticker) {
    return new DynamicBatcher(m, maxBatch, delay, capacity, stats, ticker,
        new NamedThreads("test-batcher")).start();
  }

  /** Waits (without sleeping) until {@code condition} holds; fails after 10 s. */
  private static void awaitState(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.onSpinWait();
    }
  }

  private static DepthModel.Image img(int v) {
    return new DepthModel.Image(new byte[] {(byte) v, 0, 0}, 0, 1, 1);
  }

  @Test
  void concurrentRequestsAreMergedIntoFewerRuns() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FakeModel m = new FakeModel(gate);
    DepthStats stats = DepthStats.concurrent();
    try (DynamicBatcher b = batcher(m, 8, Duration.ofMillis(50), 100, stats)) {
      List<CompletableFuture<float[]>> fs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        fs.add(b.submit(img(i), 1, 1));
      }
      gate.countDown();
      for (int i = 0; i < 40; i++) {
        assertEquals(i, fs.get(i).get(10, TimeUnit.SECONDS)[0], "results go to their request");
      }
      assertTrue(m.batches.size() <= 6, "40 requests in " + m.batches.size() + " runs");
      assertTrue(m.batches.stream().allMatch(n -> n <= 8), m.batches.toString());
      assertEquals(40, stats.snapshot().inferred());
      assertEquals(m.batches.size(), stats.snapshot().runs());
    }
  }

  @Test
  void aRequestWaitsForCompanyUntilTheTickerPassesTheDelay() throws Exception {
    FakeModel m = new FakeModel(new CountDownLatch(0));
    AtomicLong now = new AtomicLong(1_000_000_000L);
    DepthStats stats = DepthStats.concurrent();
    try (DynamicBatcher b = batcher(m, 8, Duration.ofMillis(100), 100, stats, now::get)) {
      CompletableFuture<float[]> first = b.submit(img(1), 1, 1);
      awaitState(() -> b.forming() == 1, "the runner holds the first request");
      now.addAndGet(Duration.ofMillis(99).toNanos());
      CompletableFuture<float[]> second = b.submit(img(2), 1, 1);
      awaitState(() -> b.forming() == 2, "the second request joins while time is short of it");
      assertEquals(List.of(), m.batches, "nothing runs before the delay has passed");
      now.addAndGet(Duration.ofMillis(1).toNanos());
      assertEquals(1, first.get(10, TimeUnit.SECONDS)[0]);
      assertEquals(2, second.get(10, TimeUnit.SECONDS)[0]);
      assertEquals(List.of(2), m.batches, "one run for both, once the delay had passed");
      assertEquals(100.0, stats.snapshot().maxQueueDelayMillis(), 1e-9,
          "the first waited exactly the delay");
    }
  }

  @Test
  void aFullQueueRejectsWithResourceExhausted() {
    CountDownLatch gate = new CountDownLatch(1);
    FakeModel m = new FakeModel(gate);
    DepthStats stats = DepthStats.concurrent();
    try (DynamicBatcher b = batcher(m, 2, Duration.ZERO, 4, stats)) {
      b.submit(img(0), 1, 1); // taken by the runner, which then blocks inside the model
      try {
        assertTrue(m.entered.await(5, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      assertEquals(0, b.queued());
      for (int i = 0; i < 4; i++) {
        b.submit(img(i), 1, 1);
      }
      FgbgException e = assertThrows(FgbgException.class, () -> b.submit(img(9), 1, 1));
      assertEquals(FgbgException.Reason.RESOURCE_EXHAUSTED, e.reason());
      assertTrue(e.getMessage().contains("queue is full"));
      assertEquals(1, stats.snapshot().rejected());
      gate.countDown();
    }
  }

  @Test
  void cancelledRequestsLeaveTheQueueUnrun() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FakeModel m = new FakeModel(gate);
    // The delay passes only when the test moves the ticker: on the system ticker, a test thread
    // held off the CPU for 200 ms between submit and cancel let the batch take both.
    AtomicLong now = new AtomicLong(1_000_000_000L);
    try (DynamicBatcher b = batcher(m, 8, Duration.ofMillis(200), 100, DepthStats.concurrent(),
        now::get)) {
      CompletableFuture<float[]> gone = b.submit(img(5), 1, 1);
      CompletableFuture<float[]> kept = b.submit(img(6), 1, 1);
      gone.cancel(false);
      now.addAndGet(Duration.ofMillis(200).toNanos());
      gate.countDown();
      assertEquals(6, kept.get(10, TimeUnit.SECONDS)[0]);
      assertEquals(List.of(1), m.batches, "only the live request was inferred");
    }
  }

  /**
   * A model whose batches record the thread of each step and whose runs wait for a gate; each
   * image's "depth" is its first byte.
   */
  static final class StepModel implements DepthModel {
    final CountDownLatch gate = new CountDownLatch(1);
    final List<String> prepared = new CopyOnWriteArrayList<>();
    final List<String> ran = new CopyOnWriteArrayList<>();
    final int parallel;

    StepModel() {
      this(1);
    }

    StepModel(int parallel) {
      this.parallel = parallel;
    }

    @Override
    public int parallelRuns() {
      return parallel;
    }

    @Override
    public Batch prepare(List<Job> jobs) {
      prepared.add(Thread.currentThread().getName());
      return new Batch() {
        @Override
        public void run() {
          ran.add(Thread.currentThread().getName());
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }

        @Override
        public float[] map(int i) {
          return new float[] {jobs.get(i).image().rgb()[0]};
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public float[][] infer(List<Image> images, int outH, int outW) {
      throw new UnsupportedOperationException("batches only");
    }

    @Override
    public String id() {
      return "steps";
    }

    @Override
    public String units() {
      return "metres";
    }

    @Override
    public int maxBatch() {
      return 2;
    }

    @Override
    public void close() {}
  }

  @Test
  void theNextFullBatchIsPreparedWhileTheModelRunsAndRunsRightAfter() throws Exception {
    StepModel m = new StepModel();
    try (DynamicBatcher b = batcher(m, 2, Duration.ofSeconds(30), 100, DepthStats.concurrent())) {
      List<CompletableFuture<float[]>> fs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fs.add(b.submit(img(i), 1, 1));
      }
      // Two full batches: the first runs (held at the gate) while the second is prepared;
      // neither waits for the 30 s queue delay.
      awaitState(() -> m.ran.size() == 1 && m.prepared.size() == 2,
          "the second batch is prepared while the first runs");
      assertTrue(!m.prepared.get(1).equals(m.ran.get(0)), "prepared on another thread "
          + m.prepared + " than the run " + m.ran);
      m.gate.countDown();
      for (int i = 0; i < 4; i++) {
        assertEquals(i, fs.get(i).get(10, TimeUnit.SECONDS)[0]);
      }
      assertEquals(2, m.ran.size());
    }
  }

  @Test
  void aModelOfTwoSessionsRunsTwoBatchesAtOnceOnTwoRunners() throws Exception {
    StepModel m = new StepModel(2);
    try (DynamicBatcher b = batcher(m, 2, Duration.ofSeconds(30), 100, DepthStats.concurrent())) {
      List<CompletableFuture<float[]>> fs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        fs.add(b.submit(img(i), 1, 1));
      }
      // Both full batches run (held at the gate) at once, and the third is prepared meanwhile.
      awaitState(() -> m.ran.size() == 2 && m.prepared.size() == 3,
          "two batches run at once while a third is prepared");
      assertEquals(2, Set.copyOf(m.ran).size(), "on two runners: " + m.ran);
      m.gate.countDown();
      for (int i = 0; i < 6; i++) {
        assertEquals(i, fs.get(i).get(10, TimeUnit.SECONDS)[0], "results go to their request");
      }
      assertEquals(3, m.ran.size());
    }
  }

  @Test
  void callersContinuationsNeverHoldTheModel() throws Exception {
    StepModel m = new StepModel();
    try (DynamicBatcher b = batcher(m, 2, Duration.ZERO, 100, DepthStats.concurrent())) {
      CountDownLatch release = new CountDownLatch(1);
      List<String> continuedOn = new CopyOnWriteArrayList<>();
      CompletableFuture<float[]> first = b.submit(img(1), 1, 1);
      CompletableFuture<Void> held = first.thenAccept(v -> {
        continuedOn.add(Thread.currentThread().getName());
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // The model runs only now: had the first request completed before its continuation was
      // attached, the continuation would run here, on the test's thread, and wait for itself.
      m.gate.countDown();
      awaitState(() -> continuedOn.size() == 1, "the first caller's continuation runs");
      // While that continuation holds its thread, the model still runs the next request.
      CompletableFuture<float[]> second = b.submit(img(5), 1, 1);
      awaitState(() -> m.ran.size() == 2, "the second request runs");
      assertTrue(m.ran.stream().noneMatch(continuedOn::contains),
          "continuations ran on " + continuedOn + ", the model on " + m.ran);
      release.countDown();
      held.get(10, TimeUnit.SECONDS);
      assertEquals(5, second.get(10, TimeUnit.SECONDS)[0]);
    }
  }

  /**
   * A stop during the warm-up closes the model's sessions under its run, which then fails as
   * ONNX Runtime fails a run ("failed on a batch"): an expected end, so the batcher logs no
   * WARNING and no trace, and the warm-up's request is told the model is shut down.
   */
  @Test
  void aRunFailingAsTheBatcherClosesIsNoWarning() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    DepthModel closedUnderItsRun = new DepthModel() {
      @Override
      public float[][] infer(List<Image> images, int outH, int outW) {
        entered.countDown();
        try {
          new CountDownLatch(1).await(); // till the close interrupts it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw FgbgException.failedPrecondition("depth model 'slow' failed on a batch of "
            + images.size() + " rows: the session is closed; nothing of the batch is served");
      }

      @Override
      public String id() {
        return "slow";
      }

      @Override
      public String units() {
        return "metres";
      }

      @Override
      public int maxBatch() {
        return 1;
      }

      @Override
      public void close() {}
    };
    try (LogLines log = LogLines.capture(DynamicBatcher.class.getName())) {
      DynamicBatcher b = batcher(closedUnderItsRun, 1, Duration.ZERO, 10,
          DepthStats.concurrent());
      CompletableFuture<float[]> warmUp = b.submitUncounted(img(1), 1, 1);
      entered.await();
      b.close();
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> warmUp.get(10, TimeUnit.SECONDS));
      assertEquals("the depth model is shut down", e.getCause().getMessage());
      assertEquals(List.of(), log.lines());
    }
  }
}
