package dev.fgbg.core.depth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The future of one request queued in a {@link DynamicBatcher}. While the request is queued
 * (or gathered into a batch being formed), {@link #cancel} withdraws it: the batcher drops it
 * before it prepares the batch, so the model never sees it. Once the batcher has taken it into
 * a batch, it is the model's: cancel is refused (returns false) and the map arrives, so that a
 * result being computed is never thrown away (the cache keeps it for the next caller).
 *
 * @param <T> the map as its caller reads it
 */
final class DepthRequest<T> extends CompletableFuture<T> {
  private static final int QUEUED = 0;
  private static final int TAKEN = 1;
  private static final int WITHDRAWN = 2;

  private final AtomicInteger state = new AtomicInteger(QUEUED);
  private final DepthStats stats;

  DepthRequest(DepthStats stats) {
    this.stats = stats;
  }

  /**
   * Claims the request for withdrawal while it is still queued, without completing it yet (so
   * that a caller deciding under its own lock completes it after letting go); true once.
   */
  boolean withdraw() {
    if (state.compareAndSet(QUEUED, WITHDRAWN)) {
      stats.recordWithdrawn();
      return true;
    }
    return false;
  }

  /** The batcher takes it into a batch: false when it was withdrawn or completed meanwhile. */
  boolean take() {
    return state.compareAndSet(QUEUED, TAKEN) && !isDone();
  }

  /** Withdraws the request if it is still queued; false, and the map comes, once taken. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return (withdraw() || state.get() == WITHDRAWN) && super.cancel(mayInterruptIfRunning);
  }

  /** Dependent stages are plain futures: cancelling one never withdraws this request. */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
