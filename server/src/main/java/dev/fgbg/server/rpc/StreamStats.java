package dev.fgbg.server.rpc;

import dev.fgbg.core.deliver.Events;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.server.observe.StreamCounter;
import dev.fgbg.server.observe.StreamCounts;
import dev.fgbg.server.status.FatalErrors;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Counters over all streams and admitted requests, recorded by this package and admission;
 * logs, ServerStats, tests and benchmarks read one immutable {@link #snapshot}, as Caffeine's
 * {@code CacheStats}.
 * Waiters are woken on every change, so that a test can wait for an event instead of sleeping.
 * Listeners hear how long each render took (for latency histograms kept elsewhere).
 */
public final class StreamStats implements StreamCounter {
  /** Told of every chunk or reply rendered: the RPC it was for and how long it took. */
  public interface RenderListener {
    void rendered(String method, long nanos);
  }

  private final List<RenderListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong streamsStarted = new AtomicLong();
  private final AtomicLong streamsCancelled = new AtomicLong();
  private final AtomicLong chunksProduced = new AtomicLong();
  private final AtomicLong chunksSent = new AtomicLong();
  private final AtomicLong samplesSent = new AtomicLong();
  private final AtomicLong readyWaits = new AtomicLong();
  private final AtomicLong budgetWaits = new AtomicLong();
  private final AtomicLong budgetHoldBacks = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong admittedStarts = new AtomicLong();
  private final AtomicLong slotWaits = new AtomicLong();
  private final AtomicLong ringsAccepted = new AtomicLong();
  private final AtomicLong ringsRefused = new AtomicLong();
  private final AtomicLong renderedDropped = new AtomicLong();

  /** What a stream's delivery tells these counters (and fatal errors, the process). */
  Events streamEvents() {
    return new FatalOnly() {
      @Override
      public void rendered(Piece piece, long startNanos) {
        produced();
        StreamStats.this.rendered("StreamEpoch", startNanos);
      }

      @Override
      public void waitedForSink() {
        waitedForReady();
      }

      @Override
      public void waitedForBudget() {
        StreamStats.this.waitedForBudget();
      }

      @Override
      public void heldBack() {
        budgetHeldBack();
      }

      @Override
      public void dropped(int pieces) {
        bump(renderedDropped, pieces);
      }
    };
  }

  /** Events that count nothing; an OutOfMemoryError in a piece ends the process. */
  static class FatalOnly implements Events {
    @Override
    public void failed(Throwable cause) {
      FatalErrors.check(cause); // even if a stalled reader never sends the piece
    }
  }

  @Override
  public void started() {
    bump(streamsStarted, 1);
  }

  @Override
  public void cancelled() {
    bump(streamsCancelled, 1);
  }

  @Override
  public void produced() {
    bump(chunksProduced, 1);
  }

  /** Adds a listener of every render from now on. */
  public void onRender(RenderListener listener) {
    listeners.add(listener);
  }

  /** A render for {@code method} that started at {@code startNanos} (System.nanoTime) ended. */
  void rendered(String method, long startNanos) {
    if (listeners.isEmpty()) {
      return;
    }
    long took = System.nanoTime() - startNanos;
    for (RenderListener l : listeners) {
      l.rendered(method, took);
    }
  }

  @Override
  public void sent(int samples) {
    chunksSent.incrementAndGet();
    bump(samplesSent, samples);
  }

  @Override
  public void waitedForReady() {
    bump(readyWaits, 1);
  }

  @Override
  public void waitedForBudget() {
    bump(budgetWaits, 1);
  }

  @Override
  public void budgetHeldBack() {
    bump(budgetHoldBacks, 1);
  }

  @Override
  public void droppedFromQueue() {
    bump(dropped, 1);
  }

  @Override
  public void admittedStarted() {
    bump(admittedStarts, 1);
  }

  @Override
  public void waitedForSlot() {
    bump(slotWaits, 1);
  }

  @Override
  public void ring(boolean accepted) {
    bump(accepted ? ringsAccepted : ringsRefused, 1);
  }

  private void bump(AtomicLong counter, long by) {
    counter.addAndGet(by);
    synchronized (this) {
      notifyAll();
    }
  }

  @Override
  public StreamCounts snapshot() {
    return new StreamCounts(streamsStarted.get(), streamsCancelled.get(), chunksProduced.get(),
        chunksSent.get(), samplesSent.get(), readyWaits.get(), budgetWaits.get(),
        budgetHoldBacks.get(), dropped.get(), admittedStarts.get(), slotWaits.get(),
        ringsAccepted.get(), ringsRefused.get(), renderedDropped.get());
  }

  /**
   * Waits until {@code condition} holds; false on timeout. It is checked on every counter change
   * and at least every {@link #RECHECK_MILLIS}, for a condition on something these counters do
   * not count (the budget's bytes, a ring's file): else it was looked at again only when the
   * timeout ran out, and a reply's bytes given back a moment after its client had it made a
   * check wait the whole timeout.
   */
  public synchronized boolean await(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
    }
    return true;
  }

  /** How often {@link #await} looks at its condition when no counter changes. */
  static final long RECHECK_MILLIS = 10;
}
