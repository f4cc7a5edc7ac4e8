package dev.fgbg.server.stop;

/**
 * The one end of a long call that two threads may end: its own (finished, failed, stopped) and
 * the server's stop, which ends a call that did not stop in time ({@link Draining#endAll}).
 * Whoever comes first sends the status (and logs the call's end line); what comes later, and
 * any message after it, is dropped: a gRPC call takes one close, and no message at once with
 * it.
 */
public final class OneEnd {
  private boolean ended;

  /** Runs {@code send} (a message) unless the call has ended; whether it ran. */
  public synchronized boolean send(Runnable send) {
    if (ended) {
      return false;
    }
    send.run();
    return true;
  }

  /** Ends the call with {@code end} (its status, its end line) unless it has ended already. */
  public synchronized boolean end(Runnable end) {
    if (ended) {
      return false;
    }
    ended = true;
    end.run();
    return true;
  }

  public synchronized boolean ended() {
    return ended;
  }
}
