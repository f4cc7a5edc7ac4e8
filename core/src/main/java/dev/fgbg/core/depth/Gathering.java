package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * Where a {@link DynamicBatcher}'s former and runners meet: the requests gathered so far (the
 * batch being formed), whether the former is preparing a full batch, and the one prepared batch
 * waiting for the model. A runner takes the prepared batch first; it takes the gathered
 * requests only when none is being prepared and {@code maxDelay} has passed since the oldest of
 * them was queued, so a full batch is never overtaken by a partial one.
 *
 * @param <R> a request
 * @param <P> a prepared batch
 */
final class Gathering<R, P> {
  /** Longest single wait, so that a ticker moved by a test is noticed promptly. */
  static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  /** What a runner takes next: a prepared batch, or gathered requests that are due. */
  record Next<R, P>(P prepared, List<R> due) {}

  /** What was left when the batcher closed. */
  record Left<R, P>(List<R> gathered, P prepared) {}

  private final int maxBatch;
  private final long maxDelayNanos;
  private final Ticker ticker;
  private final ToLongFunction<R> enqueued;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private List<R> forming = new ArrayList<>();
  private long deadline;
  private boolean preparing;
  private P ready;
  private boolean closed;

  Gathering(int maxBatch, long maxDelayNanos, Ticker ticker, ToLongFunction<R> enqueued) {
    this.maxBatch = maxBatch;
    this.maxDelayNanos = maxDelayNanos;
    this.ticker = ticker;
    this.enqueued = enqueued;
  }

  /**
   * Adds {@code first} and whatever else {@code queue} holds, up to a full batch. Returns the
   * batch when it is full (the caller then prepares it and {@link #handOver}s it), else null.
   */
  List<R> add(R first, BlockingQueue<R> queue) {
    lock.lock();
    try {
      if (forming.isEmpty()) {
        deadline = enqueued.applyAsLong(first) + maxDelayNanos;
      }
      forming.add(first);
      queue.drainTo(forming, maxBatch - forming.size());
      changed.signalAll();
      if (forming.size() < maxBatch) {
        return null;
      }
      List<R> full = forming;
      forming = new ArrayList<>(maxBatch);
      preparing = true;
      return full;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Leaves a prepared batch (or null: nothing of it was left to run) for a runner, once the
   * one before it has been taken. False when closed: the caller disposes of it.
   */
  boolean handOver(P prepared) throws InterruptedException {
    lock.lock();
    try {
      while (ready != null && !closed) {
        changed.await();
      }
      preparing = false;
      if (closed) {
        return false;
      }
      ready = prepared;
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for a runner's next work (each call gets its own); null once closed. */
  Next<R, P> next() throws InterruptedException {
    lock.lock();
    try {
      while (!closed) {
        if (ready != null) {
          P p = ready;
          ready = null;
          changed.signalAll();
          return new Next<>(p, null);
        }
        long wait = preparing || forming.isEmpty() ? SLICE_NANOS : deadline - ticker.read();
        if (wait <= 0) {
          List<R> due = forming;
          forming = new ArrayList<>(maxBatch);
          return new Next<>(null, due);
        }
        changed.awaitNanos(Math.min(wait, SLICE_NANOS));
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Requests gathered into the batch being formed. */
  int forming() {
    lock.lock();
    try {
      return forming.size();
    } finally {
      lock.unlock();
    }
  }

  /** Closes: wakes both sides and returns what neither will run. */
  Left<R, P> close() {
    lock.lock();
    try {
      closed = true;
      Left<R, P> left = new Left<>(forming, ready);
      forming = new ArrayList<>();
      ready = null;
      changed.signalAll();
      return left;
    } finally {
      lock.unlock();
    }
  }
}
