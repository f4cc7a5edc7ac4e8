package dev.fgbg.server.ui;

import dev.fgbg.server.status.ServerStopping;

/**
 * The UI's Stats runs still streaming, so that the UI's stop ends each with a {@code failure}
 * event in the gRPC stop's words and a finished reply, rather than a cut connection that the
 * browser can only call lost. The UI stops at the end of the server's {@code --shutdown-grace}
 * ({@link UnderWay}), so the runs had that grace already.
 */
final class OpenRuns {
  /** How long the stop waits for the runs to say so; a browser that reads nothing is cut. */
  static final long FINISH_MILLIS = 5_000;

  private int open;
  private volatile boolean stopping;

  /** What a run still going when the UI stops is told. */
  static ServerStopping stopped() {
    return new ServerStopping("Stats run", "run it again once the server is back");
  }

  /** {@code run}, counted open until its reply's end is written; told at once after a stop. */
  Reply.Stream track(Reply.Stream run) {
    return out -> {
      if (!enter()) {
        StatsPage.send(out, "failure", new StatsPage.Failure(stopped().getMessage()));
        return;
      }
      try {
        run.write(out);
      } finally {
        try {
          out.close(); // the reply's end written before the stop may close the connection
        } finally {
          exit();
        }
      }
    };
  }

  /** A run begins; false once the UI stops. */
  private synchronized boolean enter() {
    if (stopping) {
      return false;
    }
    open++;
    return true;
  }

  /** A run's reply is written to its end. */
  private synchronized void exit() {
    open--;
    notifyAll();
  }

  /** Whether the UI stops: each run checks between its events. */
  boolean stopping() {
    return stopping;
  }

  /** Tells the runs to stop and waits, a while at most, until each has ended its reply. */
  synchronized void stop() throws InterruptedException {
    stopping = true;
    // Real time, not the server's ticker: wait() waits in real time, and a test's still ticker
    // would never see the bound pass (the stop then never returned).
    long until = System.nanoTime() + FINISH_MILLIS * 1_000_000L;
    for (long left = FINISH_MILLIS; open > 0 && left > 0;
        left = (until - System.nanoTime()) / 1_000_000L) {
      wait(left);
    }
  }
}
