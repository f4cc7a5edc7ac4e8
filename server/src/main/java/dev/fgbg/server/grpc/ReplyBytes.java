package dev.fgbg.server.grpc;

import dev.fgbg.core.load.MemoryBudget;
import java.util.concurrent.CompletableFuture;

/**
 * A GetSamples reply's bytes: first from its connection's share of the budget, then from the
 * budget, each queued without a thread. A reply holds them until the transport has sent it
 * ({@link UntilSent}); the share keeps a connection whose client stopped reading from holding
 * more than a part of the budget with replies it will not take, its later calls waiting for it
 * rather than in the budget's queue ahead of other clients.
 */
final class ReplyBytes {
  private final MemoryBudget share;
  private final MemoryBudget budget;
  private final long bytes;
  private final long shareBytes;
  private final CompletableFuture<Void> granted = new CompletableFuture<>();
  private CompletableFuture<Void> waiting;
  private boolean cancelled;

  private ReplyBytes(MemoryBudget share, MemoryBudget budget, long bytes) {
    this.share = share;
    this.budget = budget;
    this.bytes = bytes;
    this.shareBytes = Math.min(bytes, share.capacity());
  }

  /**
   * Asks for {@code bytes} (at most the budget's capacity; a reply larger than the share takes
   * all of it); {@link #granted} says when they came.
   */
  static ReplyBytes acquire(MemoryBudget share, MemoryBudget budget, long bytes) {
    ReplyBytes r = new ReplyBytes(share, budget, bytes);
    CompletableFuture<Void> first = share.acquire(r.shareBytes);
    synchronized (r) {
      r.waiting = first;
    }
    first.whenComplete((v, e) -> r.shared(e));
    return r;
  }

  /** Completes once both hold the bytes; fails (cancelled) when the call left before. */
  CompletableFuture<Void> granted() {
    return granted;
  }

  /** The client left: the place in either queue is given up, and what was granted for it. */
  void cancel() {
    CompletableFuture<Void> w;
    synchronized (this) {
      cancelled = true;
      w = waiting;
    }
    w.cancel(false);
    granted.cancel(false);
  }

  /** Gives back the bytes granted (once {@link #granted} completed normally). */
  void release() {
    budget.release(bytes);
    share.release(shareBytes);
  }

  private void shared(Throwable e) {
    CompletableFuture<Void> next = null;
    synchronized (this) {
      if (e == null && !cancelled) {
        next = budget.acquire(bytes);
        waiting = next;
      } else if (e == null) {
        share.release(shareBytes);
      }
    }
    if (next == null) {
      granted.cancel(false);
      return;
    }
    next.whenComplete((v, f) -> budgeted(f));
  }

  private void budgeted(Throwable e) {
    boolean ok;
    synchronized (this) {
      ok = e == null && !cancelled;
    }
    if (ok && granted.complete(null)) {
      return;
    }
    if (e == null) {
      budget.release(bytes); // granted, but the call has left
    }
    share.release(shareBytes);
    granted.cancel(false);
  }
}
