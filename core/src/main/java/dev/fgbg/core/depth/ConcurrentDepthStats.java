package dev.fgbg.core.depth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** {@link DepthStats} in atomics, recorded from the cache's, store's and batcher's threads. */
final class ConcurrentDepthStats implements DepthStats {
  private final List<BatchListener> listeners = new CopyOnWriteArrayList<>();

  private final AtomicLong memoryHits = new AtomicLong();
  private final AtomicLong diskHits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong diskCorrupt = new AtomicLong();
  private final AtomicLong diskFull = new AtomicLong();
  private final AtomicLong storeHits = new AtomicLong();
  private final AtomicLong storeDamaged = new AtomicLong();
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong inferred = new AtomicLong();
  private final AtomicLong withdrawn = new AtomicLong();
  private final AtomicLong maxBatchSeen = new AtomicLong();
  /** Guards the three queue-delay counters, read together so that mean ≤ max always holds. */
  private final Object delays = new Object();
  private long queued;
  private long queueDelayNanos;
  private long maxQueueDelayNanos;
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong inferenceNanos = new AtomicLong();

  @Override
  public void onBatch(BatchListener listener) {
    listeners.add(listener);
  }

  @Override
  public void recordMemoryHit() {
    memoryHits.incrementAndGet();
  }

  @Override
  public void recordDiskHit() {
    diskHits.incrementAndGet();
  }

  @Override
  public void recordStoreHit() {
    storeHits.incrementAndGet();
  }

  @Override
  public void recordMiss() {
    misses.incrementAndGet();
  }

  @Override
  public void recordDiskCorrupt() {
    diskCorrupt.incrementAndGet();
  }

  @Override
  public void recordDiskFull() {
    diskFull.incrementAndGet();
  }

  @Override
  public void recordStoreDamaged() {
    storeDamaged.incrementAndGet();
  }

  @Override
  public void recordWithdrawn() {
    withdrawn.incrementAndGet();
  }

  @Override
  public void recordRejected() {
    rejected.incrementAndGet();
  }

  @Override
  public void recordQueueDelay(long nanos) {
    synchronized (delays) {
      queued++;
      queueDelayNanos += nanos;
      maxQueueDelayNanos = Math.max(maxQueueDelayNanos, nanos);
    }
  }

  @Override
  public void recordBatch(int images, long nanos) {
    runs.incrementAndGet();
    inferred.addAndGet(images);
    maxBatchSeen.accumulateAndGet(images, Math::max);
    inferenceNanos.addAndGet(nanos);
    for (BatchListener l : listeners) {
      l.ran(images, nanos);
    }
  }

  @Override
  public DepthCounts snapshot() {
    long n;
    long sum;
    long most;
    synchronized (delays) {
      n = queued;
      sum = queueDelayNanos;
      most = maxQueueDelayNanos;
    }
    return new DepthCounts(memoryHits.get(), diskHits.get(), storeHits.get(), misses.get(),
        diskCorrupt.get(), storeDamaged.get(), runs.get(), inferred.get(), withdrawn.get(),
        maxBatchSeen.get(), n, sum, most, rejected.get(), inferenceNanos.get(), diskFull.get());
  }

  @Override
  public String toString() {
    return snapshot().toString();
  }
}
