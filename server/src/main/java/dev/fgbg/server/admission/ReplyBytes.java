package dev.fgbg.server.admission;

import dev.fgbg.core.load.MemoryBudget;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A GetSamples reply's bytes: first its connection's turn, then room under the cap on what all
 * replies hold ({@link ReplyCap}), then the budget, each queued without a thread. A reply holds
 * them until the transport has sent it ({@code UntilSent}); the cap keeps connections whose
 * clients stopped reading from holding more than half the budget with replies they will not
 * take, their later calls waiting for them rather than in the budget's queue ahead of other
 * clients. The turn (one per connection) lets each connection have one reply at a time waiting
 * for the cap or in the budget's queue, so that a newcomer waits there behind at most one reply
 * of each other connection, not behind all that a flood of many connections asked for.
 */
public final class ReplyBytes {
  private final ReplyCap cap;
  private final String connection;
  private final MemoryBudget turn;
  private final MemoryBudget budget;
  private final long bytes;
  private final CompletableFuture<Void> granted = new CompletableFuture<>();
  private CompletableFuture<Void> waiting;
  private boolean cancelled;

  private ReplyBytes(ReplyCap cap, String connection, MemoryBudget turn, MemoryBudget budget,
      long bytes) {
    this.cap = cap;
    this.connection = connection;
    this.turn = turn;
    this.budget = budget;
    this.bytes = bytes;
  }

  /**
   * Asks for {@code bytes} (at most the budget's capacity) for a reply of {@code connection};
   * {@link #granted} says when they came.
   *
   * @param turn the connection's turn for the cap and the budget's queue: a budget of 1
   */
  static ReplyBytes acquire(ReplyCap cap, String connection, MemoryBudget turn,
      MemoryBudget budget, long bytes) {
    ReplyBytes r = new ReplyBytes(cap, connection, turn, budget, bytes);
    r.then(() -> turn.acquire(1), r::turned);
    return r;
  }

  /** Completes once all hold the bytes; fails (cancelled) when the call left before. */
  public CompletableFuture<Void> granted() {
    return granted;
  }

  /** The client left: the place in any queue is given up, and what was granted for it. */
  public void cancel() {
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
  public void release() {
    budget.release(bytes);
    cap.release(connection, bytes);
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

  private void turned(Throwable e) {
    if (e != null) {
      granted.cancel(false);
    } else if (!then(() -> cap.acquire(connection, bytes), this::capped)) {
      turn.release(1);
      granted.cancel(false);
    }
  }

  private void capped(Throwable e) {
    if (e != null) {
      turn.release(1);
      granted.cancel(false);
    } else if (!then(() -> budget.acquire(bytes), this::budgeted)) {
      turn.release(1);
      cap.release(connection, bytes);
      granted.cancel(false);
    }
  }

  private void budgeted(Throwable e) {
    turn.release(1); // the client's next reply may wait for the cap and the budget
    if (e == null && !left() && granted.complete(null)) {
      return;
    }
    if (e == null) {
      budget.release(bytes); // granted, but the call has left
    }
    cap.release(connection, bytes);
    granted.cancel(false);
  }
}
