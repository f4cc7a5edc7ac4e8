package dev.fgbg.server.ui;

/**
 * The UI's requests under way (Stats runs, grid renders, images), so that the server's stop gives
 * them its {@code --shutdown-grace} as it gives gRPC calls, to one deadline, and refuses new ones
 * meanwhile, as the gRPC port refuses new calls.
 */
final class UnderWay {
  private int open;
  private boolean stopping;

  /** A request begins; false once the server stops (it is refused). */
  synchronized boolean enter() {
    if (stopping) {
      return false;
    }
    open++;
    return true;
  }

  /** A request's reply is written. */
  synchronized void exit() {
    open--;
    notifyAll();
  }

  /** The server stops: new requests are refused from now on; returns those under way. */
  synchronized int refuseNew() {
    stopping = true;
    return open;
  }

  /**
   * Refuses new requests and waits until none is under way, or until {@code untilNanos} on
   * {@link System#nanoTime()} (real time: {@code wait} waits in real time).
   */
  synchronized void await(long untilNanos) throws InterruptedException {
    stopping = true;
    for (long left = untilNanos - System.nanoTime(); open > 0 && left > 0;
        left = untilNanos - System.nanoTime()) {
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
