package dev.fgbg.server.stop;

import dev.fgbg.server.status.ServerStopping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The calls running now (streams, exports, replies: {@link RunningCall}), so that a server whose
 * shutdown grace ran out ends each with UNAVAILABLE naming why — a trainer's failover then resumes
 * it on another replica, an export is run again — rather than leaving them to the transport's
 * cancel, which clients see as a bare CANCELLED (RST_STREAM) and do not fail over on. Each call is
 * first asked to stop ({@link #stopAll}), and ends itself; one that has not ended when the server
 * stops waiting for it (its export thread blocked on a slow disk or on renders queued behind
 * others) is ended in words from here ({@link #endAll}), before the transport's cancel can reset
 * it.
 */
public final class Draining {
  /** A tracked call: how to ask it to stop, and how to end it in words now. */
  private record Call(Runnable stop, BooleanSupplier end) { }

  private final Map<Object, Call> calls = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private volatile boolean ending;

  /**
   * Registers a running call; run the returned handle when the call ends.
   *
   * @param stop asks the call to stop: it ends itself with {@link ServerStopping}'s status
   * @param end sends that status now if the call has not ended yet (safe against the call's own
   *     end, and run at most once), with the call's end line where it has one; whether it
   *     ended the call (false: it had ended already)
   */
  public Runnable track(Runnable stop, BooleanSupplier end) {
    Object key = new Object(); // its own identity, even if the same call is tracked twice
    calls.put(key, new Call(stop, end));
    if (stopping) {
      stop.run();
    }
    if (ending) {
      end.getAsBoolean(); // one let in (from a queue) as the stop ended the others
    }
    return () -> {
      if (calls.remove(key) != null) {
        synchronized (this) {
          notifyAll();
        }
      }
    };
  }

  /** Whether the server is stopping its calls: a call that ends now ends UNAVAILABLE. */
  public boolean stopping() {
    return stopping;
  }

  /** Asks every running call to stop (each then ends with {@link ServerStopping}'s status). */
  public void stopAll() {
    stopping = true;
    List.copyOf(calls.values()).forEach(c -> c.stop().run());
  }

  /** Waits until every tracked call has ended, at most {@code bound}; whether they all did. */
  public synchronized boolean awaitEnded(Duration bound) throws InterruptedException {
    long until = System.nanoTime() + bound.toNanos();
    while (!calls.isEmpty()) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /**
   * Ends every call still tracked in words, now; returns how many it ended (not those that
   * ended themselves meanwhile, still tracked until their own clean-up ran).
   */
  public int endAll() {
    ending = true;
    int ended = 0;
    for (Call c : List.copyOf(calls.values())) {
      ended += c.end().getAsBoolean() ? 1 : 0;
    }
    return ended;
  }
}
