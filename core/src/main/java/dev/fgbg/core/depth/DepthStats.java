package dev.fgbg.core.depth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one model's cache and batcher; read by logs, the ServerStats RPC and metrics.
 * Listeners hear of each batch the model ran (for latency histograms kept elsewhere).
 */
public final class DepthStats {
  /** Told of every batch the model ran: its size and how long inference took. */
  public interface BatchListener {
    void ran(int images, long nanos);
  }

  private final List<BatchListener> listeners = new CopyOnWriteArrayList<>();

  final AtomicLong memoryHits = new AtomicLong();
  final AtomicLong diskHits = new AtomicLong();
  final AtomicLong misses = new AtomicLong();
  final AtomicLong diskCorrupt = new AtomicLong();
  final AtomicLong storeHits = new AtomicLong();
  final AtomicLong storeDamaged = new AtomicLong();
  final AtomicLong runs = new AtomicLong();
  final AtomicLong inferred = new AtomicLong();
  final AtomicLong withdrawn = new AtomicLong();
  final AtomicLong maxBatchSeen = new AtomicLong();
  final AtomicLong queueDelayNanos = new AtomicLong();
  final AtomicLong maxQueueDelayNanos = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong inferenceNanos = new AtomicLong();

  /** Adds a listener of every batch run from now on. */
  public void onBatch(BatchListener listener) {
    listeners.add(listener);
  }

  void batchRan(int images, long nanos) {
    for (BatchListener l : listeners) {
      l.ran(images, nanos);
    }
  }

  public long memoryHits() {
    return memoryHits.get();
  }

  public long diskHits() {
    return diskHits.get();
  }

  public long misses() {
    return misses.get();
  }

  public long diskCorrupt() {
    return diskCorrupt.get();
  }

  /** Maps read from the depth store (computed ahead by the Spark depth job). */
  public long storeHits() {
    return storeHits.get();
  }

  /** Depth store records found unusable (computed by the model instead). */
  public long storeDamaged() {
    return storeDamaged.get();
  }

  /** Model invocations (batches). */
  public long runs() {
    return runs.get();
  }

  /**
   * Requests withdrawn from the batcher before the model took them, every caller of theirs
   * having gone (a cancelled stream, or a piece dropped under memory pressure, rendered again
   * later and then counted as a miss again): not inferred, not cached.
   */
  public long withdrawn() {
    return withdrawn.get();
  }

  /** Images inferred (sum of batch sizes). */
  public long inferred() {
    return inferred.get();
  }

  public long maxBatchSeen() {
    return maxBatchSeen.get();
  }

  public double meanBatch() {
    long r = runs.get();
    return r == 0 ? 0 : (double) inferred.get() / r;
  }

  public double meanQueueDelayMillis() {
    long n = inferred.get();
    return n == 0 ? 0 : queueDelayNanos.get() / 1e6 / n;
  }

  public double maxQueueDelayMillis() {
    return maxQueueDelayNanos.get() / 1e6;
  }

  public long rejected() {
    return rejected.get();
  }

  public double inferenceSeconds() {
    return inferenceNanos.get() / 1e9;
  }

  @Override
  public String toString() {
    return String.format("memory hits %d, disk hits %d, store hits %d, misses %d, corrupt disk "
            + "records %d, inferences %d in %d runs (mean batch %.1f, max %d), queue delay "
            + "mean %.1f ms max %.1f ms, rejected %d, withdrawn %d", memoryHits(), diskHits(),
        storeHits(), misses(), diskCorrupt(), inferred(), runs(), meanBatch(), maxBatchSeen(),
        meanQueueDelayMillis(), maxQueueDelayMillis(), rejected(), withdrawn());
  }
}
