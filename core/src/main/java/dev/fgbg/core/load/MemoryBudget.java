package dev.fgbg.core.load;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.CompletableFuture;

/**
 * Bytes the whole server may hold rendered ahead of what its clients have taken, shared by every
 * stream (and by anything else that holds rendered bytes for a client, such as a GetSamples
 * reply or, later, a shared-memory ring). A holder acquires before it allocates and releases
 * when the bytes have left it; {@link #used()} never exceeds {@link #capacity()}.
 *
 * <p>Waiting is asynchronous and first come, first served: {@link #acquire} returns a future that
 * completes when the bytes are granted, so no thread is held while it waits; cancelling the
 * future gives up the place in the queue. {@link #tryAcquire} never waits and never overtakes a
 * waiter, so opportunistic render-ahead cannot starve a holder that has nothing at all.
 */
public interface MemoryBudget {

  /**
   * A budget of {@code capacityBytes} (at least 1); {@code ticker} spaces its {@link #pressure}
   * signals (the system ticker outside tests).
   */
  static MemoryBudget of(long capacityBytes, Ticker ticker) {
    return new ByteBudget(capacityBytes, ticker);
  }

  long capacity();

  /** Bytes held now. */
  long used();

  /** The most bytes ever held at once. */
  long peak();

  /** Acquisitions queued now. */
  int waiting();

  /** Acquisitions that had to wait, since the start. */
  long waits();

  /**
   * Takes {@code bytes} if they are free and nobody is waiting; never waits.
   *
   * @throws IllegalArgumentException when {@code bytes} is negative or above the capacity
   */
  boolean tryAcquire(long bytes);

  /**
   * Takes {@code bytes} now if {@link #tryAcquire} would, else queues. The future completes when
   * they are granted; cancel it to leave the queue (bytes granted to a cancelled future are given
   * back).
   *
   * @throws IllegalArgumentException when {@code bytes} is negative or above the capacity
   */
  CompletableFuture<Void> acquire(long bytes);

  /** Gives back {@code bytes} taken earlier, granting queued acquisitions in order. */
  void release(long bytes);

  /**
   * Runs {@code listener} (outside any lock) each time an acquisition starts to wait: holders
   * of bytes they do not need now (rendered ahead for a client that is not reading) can give
   * them back. Closing the handle stops it.
   */
  Subscription onWait(Runnable listener);

  /**
   * Tells the {@link #onWait} listeners that someone is short of bytes without queueing (a
   * holder that only takes free bytes); at most once a millisecond.
   */
  void pressure();

  /** A registration that ends when closed. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
