package dev.fgbg.core.load;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link MemoryBudget} with a FIFO queue of waiters. Futures are completed outside the lock, so a
 * waiter's continuation may call back into the budget (or take its own locks) freely.
 */
final class ByteBudget implements MemoryBudget {
  private static final long PRESSURE_NANOS = 1_000_000;
  private record Waiter(long bytes, CompletableFuture<Void> granted) {}

  private final long capacity;
  private final Ticker ticker;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final List<Runnable> waitListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong lastPressure;
  private long used;
  private long peak;
  private long waits;

  ByteBudget(long capacity, Ticker ticker) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 byte, got " + capacity);
    }
    this.capacity = capacity;
    this.ticker = ticker;
    this.lastPressure = new AtomicLong(ticker.read() - PRESSURE_NANOS);
  }

  @Override
  public long capacity() {
    return capacity;
  }

  @Override
  public synchronized long used() {
    return used;
  }

  @Override
  public synchronized long peak() {
    return peak;
  }

  @Override
  public synchronized int waiting() {
    return queue.size();
  }

  @Override
  public synchronized long waits() {
    return waits;
  }

  @Override
  public synchronized boolean tryAcquire(long bytes) {
    check(bytes);
    if (!queue.isEmpty() || used + bytes > capacity) {
      return false;
    }
    take(bytes);
    return true;
  }

  @Override
  public CompletableFuture<Void> acquire(long bytes) {
    check(bytes);
    Waiter w;
    synchronized (this) {
      if (queue.isEmpty() && used + bytes <= capacity) {
        take(bytes);
        return CompletableFuture.completedFuture(null);
      }
      w = new Waiter(bytes, new CompletableFuture<>());
      queue.add(w);
      waits++;
    }
    for (Runnable l : waitListeners) {
      l.run();
    }
    // A waiter that gives up may have been blocking smaller ones behind it.
    w.granted.whenComplete((v, e) -> {
      if (w.granted.isCancelled()) {
        synchronized (this) {
          queue.remove(w);
        }
        grant();
      }
    });
    return w.granted;
  }

  @Override
  public void release(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("cannot release " + bytes + " bytes");
    }
    synchronized (this) {
      if (bytes > used) {
        throw new IllegalStateException("released " + bytes + " bytes but only " + used
            + " are held");
      }
      used -= bytes;
    }
    grant();
  }

  @Override
  public void pressure() {
    long last = lastPressure.get();
    long now = ticker.read();
    if (now - last >= PRESSURE_NANOS && lastPressure.compareAndSet(last, now)) {
      for (Runnable l : waitListeners) {
        l.run();
      }
    }
  }

  @Override
  public Subscription onWait(Runnable listener) {
    waitListeners.add(listener);
    return () -> waitListeners.remove(listener);
  }

  /** Grants queued waiters in order while the head fits; completes them outside the lock. */
  private void grant() {
    List<Waiter> granted = new ArrayList<>();
    synchronized (this) {
      while (!queue.isEmpty() && used + queue.peek().bytes <= capacity) {
        Waiter w = queue.poll();
        take(w.bytes);
        granted.add(w);
      }
    }
    for (Waiter w : granted) {
      if (!w.granted.complete(null)) {
        release(w.bytes); // cancelled in the meantime
      }
    }
  }

  private void take(long bytes) {
    used += bytes;
    peak = Math.max(peak, used);
  }

  private void check(long bytes) {
    if (bytes < 0 || bytes > capacity) {
      throw new IllegalArgumentException("cannot acquire " + bytes + " bytes from a budget of "
          + capacity);
    }
  }
}
