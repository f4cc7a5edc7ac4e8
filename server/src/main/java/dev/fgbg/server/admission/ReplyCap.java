package dev.fgbg.server.admission;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the GetSamples replies of all connections together may hold of the memory budget: half
 * of it, so that connections whose clients never read their replies (a reply stays charged
 * until the transport has sent it) leave the other half to everyone else, however many of them
 * there are. A connection holding no reply bytes may always take one more (a newcomer, or a
 * client that read what it asked for, is never held back by others' unread replies); one
 * holding some waits, out of the budget's queue and holding nothing, until its own replies have
 * gone out or there is room. (A connection's share of a quarter of the budget, before, let four
 * such connections hold all of it: every other client's call waited until they were ended.)
 * Thread-safe; futures are completed outside the lock.
 */
final class ReplyCap {
  private static final class Waiter {
    final String connection;
    final long bytes;
    final CompletableFuture<Void> granted = new CompletableFuture<>();

    Waiter(String connection, long bytes) {
      this.connection = connection;
      this.bytes = bytes;
    }
  }

  private final long capacity;
  /** Replies each connection holds now; a connection holding none is absent. */
  private final Map<String, Integer> holding = new HashMap<>();
  private final Set<Waiter> waiters = new LinkedHashSet<>();
  private long used;
  /** Told when a reply starts to wait ({@link UnreadReplies}: others wait for memory). */
  private volatile Runnable onWait = () -> { };

  /** @param capacity bytes all replies together may hold, past a connection's first reply */
  ReplyCap(long capacity) {
    this.capacity = Math.max(1, capacity);
  }

  /** Sets what is told each time a reply starts to wait for room (one listener). */
  void onWait(Runnable listener) {
    this.onWait = listener;
  }

  /** Replies waiting for room now. */
  synchronized int waiting() {
    return waiters.size();
  }

  /** Bytes the replies hold now. */
  synchronized long used() {
    return used;
  }

  /**
   * Takes {@code bytes} for a reply of {@code connection} when they fit, or it holds none;
   * otherwise the future completes once they do. Cancelling it leaves the wait (bytes granted
   * to a cancelled future are given back).
   */
  CompletableFuture<Void> acquire(String connection, long bytes) {
    Waiter w = new Waiter(connection, bytes);
    synchronized (this) {
      if (fits(w)) {
        take(w);
        return CompletableFuture.completedFuture(null);
      }
      waiters.add(w);
    }
    onWait.run();
    w.granted.whenComplete((v, e) -> {
      if (w.granted.isCancelled()) {
        synchronized (this) {
          waiters.remove(w);
        }
      }
    });
    return w.granted;
  }

  /** Gives back {@code bytes} of a reply of {@code connection}; grants those that now fit. */
  void release(String connection, long bytes) {
    List<Waiter> granted = new ArrayList<>();
    synchronized (this) {
      used -= bytes;
      holding.computeIfPresent(connection, (c, n) -> n > 1 ? n - 1 : null);
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (fits(w)) {
          it.remove();
          take(w);
          granted.add(w);
        }
      }
    }
    for (Waiter w : granted) {
      if (!w.granted.complete(null)) {
        release(w.connection, w.bytes); // cancelled in the meantime
      }
    }
  }

  private boolean fits(Waiter w) {
    return used + w.bytes <= capacity || !holding.containsKey(w.connection);
  }

  private void take(Waiter w) {
    used += w.bytes;
    holding.merge(w.connection, 1, Integer::sum);
  }
}
