package dev.fgbg.server.grpc;

import dev.fgbg.core.load.MemoryBudget;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A GetSamples reply's bytes: first from its connection's share of the budget, then its
 * connection's turn, then the budget, each queued without a thread. A reply holds them until the
 * transport has sent it ({@link UntilSent}); the share keeps a connection whose client stopped
 * reading from holding more than a part of the budget with replies it will not take, its later
 * calls waiting for it rather than in the budget's queue ahead of other clients. The turn (one
 * per connection) lets each connection have one reply at a time in the budget's queue, so that
 * a newcomer waits there behind at most one reply of each other connection, not behind all
 * that a flood of many connections asked for.
 */
final class ReplyBytes {
  private final MemoryBudget share;
  private final MemoryBudget turn;
  private final MemoryBudget budget;
  private final long bytes;
  private final long shareBytes;
  private final CompletableFuture<Void> granted = new CompletableFuture<>();
  private CompletableFuture<Void> waiting;
  private boolean cancelled;

  private ReplyBytes(MemoryBudget share, MemoryBudget turn, MemoryBudget budget, long bytes) {
    this.share = share;
    this.turn = turn;
    this.budget = budget;
    this.bytes = bytes;
    this.shareBytes = Math.min(bytes, share.capacity());
  }

  /**
   * Asks for {@code bytes} (at most the budget's capacity; a reply larger than the share takes
   * all of it); {@link #granted} says when they came.
   *
   * @param turn the connection's turn in the budget's queue: a budget of 1
   */
  static ReplyBytes acquire(MemoryBudget share, MemoryBudget turn, MemoryBudget budget,
      long bytes) {
    ReplyBytes r = new ReplyBytes(share, turn, budget, bytes);
    r.then(() -> share.acquire(r.shareBytes), r::shared);
    return r;
  }

  /** Completes once all hold the bytes; fails (cancelled) when the call left before. */
  CompletableFuture<Void> granted() {
    return granted;
  }

  /** The client left: the place in any queue is given up, and what was granted for it. */
  void cancel() {
    CompletableFuture<Void> w;
    synchronized (this) {
      cancelled = true;
      w = waiting;
    }
    if (w != null) {
      w.cancel(false);
    }
    granted.cancel(false);
  }

  /** Gives back the bytes granted (once {@link #granted} completed normally). */
  void release() {
    budget.release(bytes);
    share.release(shareBytes);
  }

  /**
   * Waits for the next stage unless cancelled; false when cancelled (nothing was asked). A
   * cancel after this sees the stage's future and leaves its queue.
   */
  private boolean then(Supplier<CompletableFuture<Void>> stage, Consumer<Throwable> next) {
    CompletableFuture<Void> f;
    synchronized (this) {
      if (cancelled) {
        return false;
      }
      f = stage.get();
      waiting = f;
    }
    f.whenComplete((v, e) -> next.accept(e));
    return true;
  }

  private synchronized boolean left() {
    return cancelled;
  }

  private void shared(Throwable e) {
    if (e != null) {
      granted.cancel(false);
    } else if (!then(() -> turn.acquire(1), this::turned)) {
      share.release(shareBytes);
      granted.cancel(false);
    }
  }

  private void turned(Throwable e) {
    if (e != null) {
      share.release(shareBytes);
      granted.cancel(false);
    } else if (!then(() -> budget.acquire(bytes), this::budgeted)) {
      turn.release(1);
      share.release(shareBytes);
      granted.cancel(false);
    }
  }

  private void budgeted(Throwable e) {
    turn.release(1); // the client's next reply may queue for the budget
    if (e == null && !left() && granted.complete(null)) {
      return;
    }
    if (e == null) {
      budget.release(bytes); // granted, but the call has left
    }
    share.release(shareBytes);
    granted.cancel(false);
  }
}
