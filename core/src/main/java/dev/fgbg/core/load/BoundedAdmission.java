package dev.fgbg.core.load;

import dev.fgbg.core.FgbgException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link Admission} with a FIFO queue; futures are completed outside the lock. */
final class BoundedAdmission implements Admission {
  private final String what;
  private final NamedLimit maxRunning;
  private final NamedLimit maxQueued;
  private final ArrayDeque<CompletableFuture<Permit>> queue = new ArrayDeque<>();
  private int running;
  private long admitted;
  private long refused;

  BoundedAdmission(String what, NamedLimit maxRunning, NamedLimit maxQueued) {
    if (maxRunning.value() < 1) {
      throw new IllegalArgumentException(maxRunning.name() + " must be at least 1, got "
          + maxRunning.value());
    }
    this.what = what;
    this.maxRunning = maxRunning;
    this.maxQueued = maxQueued;
  }

  @Override
  public CompletableFuture<Permit> admit() {
    CompletableFuture<Permit> waiter;
    synchronized (this) {
      if (running < maxRunning.value() && queue.isEmpty()) {
        running++;
        admitted++;
        return CompletableFuture.completedFuture(new Slot());
      }
      if (queue.size() >= maxQueued.value()) {
        refused++;
        return CompletableFuture.failedFuture(new FgbgException(
            FgbgException.Reason.RESOURCE_EXHAUSTED, "too many " + what + ": " + running
            + " running and " + queue.size() + " queued, the most allowed (" + maxRunning + ", "
            + maxQueued + "); try again later"));
      }
      waiter = new CompletableFuture<>();
      queue.add(waiter);
    }
    waiter.whenComplete((p, e) -> {
      if (waiter.isCancelled()) {
        synchronized (this) {
          queue.remove(waiter);
        }
      }
    });
    return waiter;
  }

  private void next() {
    while (true) {
      CompletableFuture<Permit> waiter;
      synchronized (this) {
        running--;
        waiter = queue.poll();
        if (waiter == null) {
          return;
        }
        running++;
        admitted++;
      }
      if (waiter.complete(new Slot())) {
        return;
      }
      synchronized (this) {
        admitted--; // it gave up just now: the permit goes to the one after it
      }
    }
  }

  @Override
  public synchronized int running() {
    return running;
  }

  @Override
  public synchronized int queued() {
    return queue.size();
  }

  @Override
  public synchronized long admitted() {
    return admitted;
  }

  @Override
  public synchronized long refused() {
    return refused;
  }

  private final class Slot implements Permit {
    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        next();
      }
    }
  }
}
