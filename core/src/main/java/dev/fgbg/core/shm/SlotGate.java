package dev.fgbg.core.shm;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.deliver.Gate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A delivery's credit for a ring: piece {@code k} starts once the client has freed a slot, and
 * goes to the first free one after the slot of piece {@code k - 1} (so a client that frees its
 * batches in turn gets the slots in ring order, and one that keeps a batch, to look at later,
 * does not stop its stream: the other slots carry it). While every slot is held the gate looks
 * again on
 * {@code poller}, holding no thread: from 100 µs, doubling to 1 ms while the client has freed a
 * slot in the last 100 ms (a reader that keeps up is not kept waiting), and to 10 ms once it has
 * not (a client that holds its slots costs little). A state word the client broke fails the
 * delivery (see {@link SharedRing#isFree}).
 */
public final class SlotGate implements Gate {
  private static final long FIRST_POLL_NANOS = 100_000;
  private static final long BUSY_POLL_NANOS = 1_000_000;
  private static final long IDLE_POLL_NANOS = 10_000_000;
  private static final long BUSY_NANOS = 100_000_000;

  private final SharedRing ring;
  private final ScheduledExecutorService poller;
  private final Ticker ticker;
  private final Runnable onWait;
  private long pollNanos = FIRST_POLL_NANOS;
  private long lastFree;
  private ScheduledFuture<?> poll;
  private boolean polling;
  /** The slots of the pieces given one and not yet sealed (their state words still read free). */
  private final Map<Long, Integer> given = new HashMap<>();
  private int next;

  /**
   * @param ticker tells how long ago the client last freed a slot
   * @param onWait told each time every slot is found held
   */
  public SlotGate(SharedRing ring, ScheduledExecutorService poller, Ticker ticker,
      Runnable onWait) {
    this.ring = ring;
    this.poller = poller;
    this.ticker = ticker;
    this.onWait = onWait;
    this.lastFree = ticker.read();
  }

  /** The slot of piece {@code seq}, given by {@link #open} and not yet {@link #sealed}. */
  public synchronized int slot(long seq) {
    Integer slot = given.get(seq);
    if (slot == null) {
      throw new IllegalStateException("piece " + seq + " has no slot");
    }
    return slot;
  }

  /** Piece {@code seq}'s slot is sealed: its state word now says it is the client's. */
  public synchronized void sealed(long seq) {
    given.remove(seq);
  }

  @Override
  public synchronized boolean open(long seq, Runnable retry) {
    if (given.containsKey(seq)) {
      return true;
    }
    for (int i = 0; i < ring.slots(); i++) {
      int slot = (next + i) % ring.slots();
      if (!given.containsValue(slot) && ring.isFree(slot)) {
        given.put(seq, slot);
        next = (slot + 1) % ring.slots();
        pollNanos = FIRST_POLL_NANOS;
        lastFree = ticker.read();
        return true;
      }
    }
    if (!polling) {
      onWait.run();
      try {
        poll = poller.schedule(() -> {
          synchronized (this) {
            polling = false;
          }
          retry.run();
        }, pollNanos, TimeUnit.NANOSECONDS);
        polling = true;
      } catch (RejectedExecutionException e) {
        return false; // the server is stopping: its calls end
      }
      boolean busy = ticker.read() - lastFree < BUSY_NANOS;
      pollNanos = Math.min(busy ? BUSY_POLL_NANOS : IDLE_POLL_NANOS, 2 * pollNanos);
    }
    return false;
  }

  /** Stops looking (the stream ended). */
  public synchronized void close() {
    if (poll != null) {
      poll.cancel(false);
    }
  }
}
