package dev.fgbg.core.depth;

/**
 * What one model's cache and batcher record, as Caffeine's {@code StatsCounter}: the parts count
 * through it, and readers (logs, the ServerStats RPC, metrics) take one {@link #snapshot} and read
 * that, so the numbers of one report, and the means derived from them, belong together. Listeners
 * hear of each batch the model ran (for latency histograms kept elsewhere).
 */
public interface DepthStats {
  /** Told of every batch the model ran: its size and how long inference took. */
  interface BatchListener {
    void ran(int images, long nanos);
  }

  /** Counters safe to record from any thread. */
  static DepthStats concurrent() {
    return new ConcurrentDepthStats();
  }

  /** Adds a listener of every batch run from now on. */
  void onBatch(BatchListener listener);

  /** A map found in memory (present, or being computed for another caller). */
  void recordMemoryHit();

  void recordDiskHit();

  /** A map read from the depth store (computed ahead by the Spark depth job). */
  void recordStoreHit();

  /** A map asked of the model. */
  void recordMiss();

  void recordDiskCorrupt();

  /** A map the disk tier could not write for a full disk, even after evicting to make room. */
  void recordDiskFull();

  /** A depth store record found unusable (computed by the model instead). */
  void recordStoreDamaged();

  /** A request withdrawn from the batcher before the model took it. */
  void recordWithdrawn();

  /** A request the batcher's full queue refused. */
  void recordRejected();

  /** A request waited {@code nanos} in the batcher's queue before its batch ran. */
  void recordQueueDelay(long nanos);

  /** The model ran a batch of {@code images} in {@code nanos}; listeners are told. */
  void recordBatch(int images, long nanos);

  /** The counters now, read once each. */
  DepthCounts snapshot();
}
