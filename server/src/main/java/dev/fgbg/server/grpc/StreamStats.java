package dev.fgbg.server.grpc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Counters over all streams, for logs, ServerStats, tests and benchmarks. Waiters are woken on
 * every change, so that a test can wait for an event instead of sleeping.
 */
public final class StreamStats {
  private final AtomicLong streamsStarted = new AtomicLong();
  private final AtomicLong streamsCancelled = new AtomicLong();
  private final AtomicLong chunksProduced = new AtomicLong();
  private final AtomicLong chunksSent = new AtomicLong();
  private final AtomicLong samplesSent = new AtomicLong();
  private final AtomicLong readyWaits = new AtomicLong();

  void started() {
    bump(streamsStarted, 1);
  }

  void cancelled() {
    bump(streamsCancelled, 1);
  }

  void produced() {
    bump(chunksProduced, 1);
  }

  void sent(int samples) {
    chunksSent.incrementAndGet();
    bump(samplesSent, samples);
  }

  /** A stream had a chunk ready but the transport was not ready for it. */
  void waitedForReady() {
    bump(readyWaits, 1);
  }

  private void bump(AtomicLong counter, long by) {
    counter.addAndGet(by);
    synchronized (this) {
      notifyAll();
    }
  }

  public long streamsStarted() {
    return streamsStarted.get();
  }

  public long streamsCancelled() {
    return streamsCancelled.get();
  }

  /** Chunks rendered (sent or waiting to be sent). */
  public long chunksProduced() {
    return chunksProduced.get();
  }

  public long chunksSent() {
    return chunksSent.get();
  }

  public long samplesSent() {
    return samplesSent.get();
  }

  /** Times a stream paused because its client was not reading (gRPC flow control). */
  public long readyWaits() {
    return readyWaits.get();
  }

  /** Waits until {@code condition} holds (checked on every counter change); false on timeout. */
  public synchronized boolean await(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
