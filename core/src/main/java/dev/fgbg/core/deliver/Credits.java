package dev.fgbg.core.deliver;

import dev.fgbg.core.load.MemoryBudget;
import java.util.concurrent.CompletableFuture;

/**
 * A delivery's share of the memory budget: the bytes of its pieces in flight and of what its
 * sink has not drained yet (it is ready again after a piece was delivered). Touched only by its
 * delivery's drain. So that a client that never reads holds no more than its first small
 * pieces ({@link #HOLD_BYTES}), and a newcomer always finds room (a slow start; a sink in this
 * process that takes each piece as delivered has none: whole pieces from the first, within an
 * eighth of the budget each and a quarter in all):
 * <ul>
 *   <li>what a transport takes is not yet read: a client's flow-control window absorbs some
 *       megabytes of a stream that is never read. So only what was drained beyond
 *       {@link #WINDOW_BYTES} counts as read ({@code read}); pieces hold at most
 *       {@code max(INITIAL_BYTES, read)} (cut per batch), and beyond one piece the bytes held
 *       at once are at most {@code max(HOLD_BYTES, 2 × read)}: a stream starts with small
 *       messages, a few at a time, and its pieces and render-ahead grow with what it has read;
 *   <li>a delivery holding nothing queues for budget only while its sink is ready; one holding
 *       something only takes bytes that are free now;
 *   <li>when anyone starts to wait for budget, or a reading stream is held back by it, a
 *       delivery whose sink is not ready drops the pieces it rendered but has not sent
 *       ({@link Delivery} does: their bytes go back, and rendering is pure, so they are
 *       rendered again when the sink is ready); one whose sink was ready then does so once it
 *       stops reading, if anyone still waits.
 * </ul>
 */
final class Credits {
  /**
   * What a client's transport may take of a stream it never reads (its window), and more:
   * grpc-java's windows grow to 8 MB, grpc-core's (Python) grew to 25–37 MB on loopback. Were
   * it less than a transport takes, a stream never read would count as reading and hold pieces
   * stuck in the transport until the budget was full for everyone.
   */
  static final long WINDOW_BYTES = 64L << 20;
  /** What a delivery may hold before its client has read anything (a few small pieces). */
  static final long HOLD_BYTES = 1L << 20;

  private final MemoryBudget budget;
  private final long sampleBytes;
  /** False for a sink that takes each piece as delivered: nothing of it is left unread. */
  private final boolean slowStart;
  private CompletableFuture<Void> wait;
  private long waitBytes;
  private long granted;
  private long undrained;
  private long drained;

  Credits(MemoryBudget budget, long sampleBytes, boolean slowStart) {
    this.budget = budget;
    this.sampleBytes = sampleBytes;
    this.slowStart = slowStart;
  }

  MemoryBudget.Subscription onWait(Runnable listener) {
    return budget.onWait(listener);
  }

  /** Whether anyone queues for the budget now (this delivery's own wait included). */
  boolean anyoneWaits() {
    return budget.waiting() > 0;
  }

  /**
   * Samples the pieces of the next batch may hold: as many as the client has read, or one;
   * without slow start up to {@code max}, within an eighth of the budget, so that a piece of
   * large samples never queues for more than rings and streams leave free.
   */
  int pieceSamples(int max) {
    if (sampleBytes == 0) {
      return max;
    }
    long allowed = (slowStart ? Math.max(Delivery.INITIAL_BYTES, read())
        : budget.capacity() / 8) / sampleBytes;
    return (int) Math.max(1, Math.min(max, allowed));
  }

  /** Whether a grant is awaited (nothing starts until it comes). */
  boolean waiting() {
    if (wait != null && wait.isDone() && !wait.isCancelled()) {
      wait = null;
      granted = waitBytes;
    }
    return wait != null;
  }

  /**
   * Takes the bytes of a piece of {@code samples} before it starts, or says no (-1): beyond
   * the slow-start cap, when the budget has no free bytes for a delivery that holds some, or
   * while a delivery that holds none waits for its grant ({@code onGrant} runs then) — which
   * it queues for only when its sink is ready.
   */
  long take(int samples, long inFlight, boolean sinkReady, Events events, Runnable onGrant) {
    long bytes = Math.min(budget.capacity(), samples * sampleBytes);
    long held = undrained + inFlight;
    if (granted > 0) {
      long g = granted;
      granted = 0;
      return g;
    }
    if (held > 0 && held + bytes > (slowStart ? Math.max(HOLD_BYTES, 2 * read())
        : budget.capacity() / 4)) {
      return -1; // without slow start: a quarter of the budget at once at most
    }
    if (budget.tryAcquire(bytes)) {
      return bytes;
    }
    if (held > 0) {
      events.heldBack();
      if (sinkReady) {
        budget.pressure(); // a reading stream is short: streams not reading give back
      }
    } else if (sinkReady) {
      events.waitedForBudget();
      wait = budget.acquire(bytes);
      waitBytes = bytes;
      wait.whenComplete((v, e) -> onGrant.run());
    }
    return -1;
  }

  /** Bytes the client has surely read: what its transport took beyond a window's worth. */
  private long read() {
    return Math.max(0, drained - WINDOW_BYTES);
  }

  /** A piece of {@code bytes} went to the sink: held until the sink has drained it. */
  void delivered(long bytes) {
    undrained += bytes;
  }

  /** The sink is ready again: what it was given has drained. */
  void drainedAll() {
    if (undrained > 0) {
      budget.release(undrained);
      drained += undrained;
      undrained = 0;
    }
  }

  void release(long bytes) {
    if (bytes > 0) {
      budget.release(bytes);
    }
  }

  /**
   * Leaves the budget's queue and gives back a grant not taken up yet: a delivery that parked
   * (its sink not ready, under pressure) must not sit on bytes a reader waits for.
   */
  void giveUpWait() {
    long held = granted;
    granted = 0;
    if (wait != null && !wait.cancel(false) && !wait.isCompletedExceptionally()) {
      held += waitBytes; // granted, but not taken up yet
    }
    wait = null;
    release(held);
  }

  /** Gives back everything: {@code inFlight} bytes of pieces, the undrained, any grant. */
  void releaseAll(long inFlight) {
    long held = inFlight + undrained;
    undrained = 0;
    release(held);
    giveUpWait();
  }
}
