package dev.fgbg.server.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.FgbgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  private static DepthModel.Image img(int v) {
    return new DepthModel.Image(new byte[] {(byte) v, 0, 0}, 0, 1, 1);
  }

  @Test
  void concurrentRequestsAreMergedIntoFewerRuns() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FakeModel m = new FakeModel(gate);
    DepthStats stats = new DepthStats();
    try (DynamicBatcher b = new DynamicBatcher(m, 8, Duration.ofMillis(50), 100, stats)) {
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
      assertEquals(40, stats.inferred());
      assertEquals(m.batches.size(), stats.runs());
    }
  }

  @Test
  void maxQueueDelayBoundsTheWaitOfALoneRequest() throws Exception {
    FakeModel m = new FakeModel(new CountDownLatch(0));
    try (DynamicBatcher b = new DynamicBatcher(m, 8, Duration.ofMillis(100), 100,
        new DepthStats())) {
      long t0 = System.nanoTime();
      b.submit(img(1), 1, 1).get(10, TimeUnit.SECONDS);
      double ms = (System.nanoTime() - t0) / 1e6;
      assertTrue(ms >= 90, "waited for company up to the delay: " + ms);
      assertTrue(ms < 1000, "but not much longer: " + ms);
      assertEquals(List.of(1), m.batches);
    }
  }

  @Test
  void aFullQueueRejectsWithResourceExhausted() {
    CountDownLatch gate = new CountDownLatch(1);
    FakeModel m = new FakeModel(gate);
    DepthStats stats = new DepthStats();
    try (DynamicBatcher b = new DynamicBatcher(m, 2, Duration.ZERO, 4, stats)) {
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
      assertEquals(1, stats.rejected());
      gate.countDown();
    }
  }

  @Test
  void cancelledRequestsLeaveTheQueueUnrun() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    FakeModel m = new FakeModel(gate);
    try (DynamicBatcher b = new DynamicBatcher(m, 8, Duration.ofMillis(200), 100,
        new DepthStats())) {
      CompletableFuture<float[]> gone = b.submit(img(5), 1, 1);
      CompletableFuture<float[]> kept = b.submit(img(6), 1, 1);
      gone.cancel(false);
      gate.countDown();
      assertEquals(6, kept.get(10, TimeUnit.SECONDS)[0]);
      assertEquals(List.of(1), m.batches, "only the live request was inferred");
    }
  }
}
