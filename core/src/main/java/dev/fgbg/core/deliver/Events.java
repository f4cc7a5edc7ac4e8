package dev.fgbg.core.deliver;

/** What a delivery tells its owner as it goes (counters, latency, fatal errors); no-ops here. */
public interface Events {
  Events NONE = new Events() {};

  /** A piece's work finished; it started at {@code startNanos} ({@link System#nanoTime}). */
  default void rendered(Piece piece, long startNanos) {}

  /** A piece's work failed (also when no one will deliver it). */
  default void failed(Throwable cause) {}

  /** The delivery looked and found its sink not ready: it pauses until it is. */
  default void waitedForSink() {}

  /** The delivery held nothing and queued for memory budget. */
  default void waitedForBudget() {}

  /** The delivery held pieces and did not render further ahead: the budget was taken. */
  default void heldBack() {}

  /** Pieces rendered but unsent were dropped to give their bytes to someone waiting. */
  default void dropped(int pieces) {}
}
