package dev.fgbg.core.deliver;

/**
 * Where a delivery's pieces go, in order: a transport's messages, a shared-memory ring's
 * announcements, an export shard's writer, a statistics accumulator. The work of a piece (render,
 * then whatever the sink needs done in parallel: encode, copy into a slot, sum) is the
 * delivery's {@link Work}; the sink only takes finished pieces in order.
 *
 * @param <T> what the work of a piece produces
 */
public interface Sink<T> {

  /** Whether {@link #deliver} may be called now (a transport's flow control). */
  default boolean ready() {
    return true;
  }

  /** Takes the next piece, in order; an exception fails the delivery. */
  void deliver(Piece piece, T value) throws Exception;

  /**
   * The delivery has ended, once, after it gave back everything it held: {@code cause} is null
   * when every piece was delivered, a {@link java.util.concurrent.CancellationException} when it
   * was cancelled, else what failed.
   */
  void ended(Throwable cause);
}
