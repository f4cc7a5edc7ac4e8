package dev.fgbg.core.depth;

import dev.fgbg.core.dataset.DepthMap;
import java.util.concurrent.CompletableFuture;

/**
 * One map being computed that several callers may wait on (the {@link DepthCache} entry of a
 * miss). Each caller gets a {@link #waiter view} of its own, so that one caller's cancel never
 * fails another's; when the last view still waiting is cancelled while the model's request is
 * still queued, the request is withdrawn ({@link DepthRequest#cancel}): nothing is computed and
 * nothing cached, and the entry fails, which removes it. A request the batcher has taken runs
 * to the end and is cached, whoever still waits.
 */
final class SharedDepth extends CompletableFuture<DepthMap> {
  private final CompletableFuture<?> request;
  private int waiters;
  private boolean withdrawn;

  /**
   * {@code result} is what the callers get (the model's map, stored on disk on the way), {@code
   * request} the model's request it comes from.
   */
  SharedDepth(CompletableFuture<?> request, CompletableFuture<DepthMap> result) {
    this.request = request;
    result.whenComplete((v, e) -> {
      if (e == null) {
        complete(v);
      } else {
        completeExceptionally(e);
      }
    });
  }

  /** A view for one more caller, or null when the request was withdrawn (ask the cache again). */
  CompletableFuture<DepthMap> waiter() {
    synchronized (this) {
      if (withdrawn) {
        return null;
      }
      waiters++;
    }
    CompletableFuture<DepthMap> view = new CompletableFuture<>();
    view.whenComplete((v, e) -> {
      if (view.isCancelled()) {
        leave();
      }
    });
    whenComplete((v, e) -> {
      if (e == null) {
        view.complete(v);
      } else {
        view.completeExceptionally(e);
      }
    });
    return view;
  }

  /** A view was cancelled: the last one withdraws the request if the model has not taken it. */
  private void leave() {
    boolean drop;
    synchronized (this) {
      if (withdrawn || isDone()) {
        return;
      }
      drop = --waiters == 0 && request instanceof DepthRequest<?> r && r.withdraw();
      withdrawn = drop;
    }
    if (drop) {
      request.cancel(false); // outside the lock: completing it runs the callers' continuations
    }
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
