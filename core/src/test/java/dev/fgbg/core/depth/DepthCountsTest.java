package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A snapshot's means, from counters that were recorded together. */
class DepthCountsTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void theMeanQueueDelayIsOverTheRequestsWhoseDelayWasCountedNotTheImagesInferredSoFar() {
    DepthStats stats = DepthStats.concurrent();
    for (int i = 0; i < 16; i++) {
      stats.recordQueueDelay(10 * MS);
    }
    stats.recordBatch(16, 200 * MS);
    // The next batch has started (its delays are counted) and not finished (not inferred yet):
    // the mean was 30 ms over a 20 ms max, the second batch's delays over the first's images.
    for (int i = 0; i < 16; i++) {
      stats.recordQueueDelay(20 * MS);
    }
    DepthCounts c = stats.snapshot();
    assertEquals(16, c.inferred());
    assertEquals(32, c.queued());
    assertEquals(15.0, c.meanQueueDelayMillis(), 1e-9);
    assertEquals(20.0, c.maxQueueDelayMillis(), 1e-9);
    assertEquals(16.0, c.meanBatch(), 1e-9);
  }
}
