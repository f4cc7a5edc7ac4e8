package dev.fgbg.client;

import io.grpc.Context;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What an iterator of a server stream ({@link BatchIterator}, {@link ProgressIterator}) holds
 * outside the heap: its call (ended by cancelling its context) and a batch stream's
 * shared-memory ring (a file in /dev/shm, tens of MiB that other local trainers need). Ended
 * once: at the stream's end, by a close of the iterator or of its client (from any thread), or
 * by the {@link Cleaner} once a BatchIterator was dropped unclosed. That is why it holds
 * nothing of the iterator (else the iterator would never become unreachable), and why the
 * client's set of open streams holds these and not the iterators.
 */
final class OpenStream {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Logger LOG = Logger.getLogger(BatchIterator.class.getName());

  private final Context.CancellableContext context;
  private final ClientRings kept;
  private final OnceLog said;
  private final Consumer<OpenStream> onEnd;
  // A copy out of the ring and the ring's removal exclude each other: no read of unmapped memory.
  private final Object lock = new Object();
  private final AtomicBoolean ended = new AtomicBoolean();
  private ClientRing ring;
  private volatile Cleaner.Cleanable cleanable;
  private volatile String endedAs; // why there is no next message, once it ended or failed here

  /**
   * @param ring the ring offered in the request, or null
   * @param kept where the ring goes back when the stream ends with OK (null: it is removed)
   * @param onEnd run once when the stream ends
   */
  OpenStream(Context.CancellableContext context, ClientRing ring, ClientRings kept,
      OnceLog said, Consumer<OpenStream> onEnd) {
    this.context = context;
    this.ring = ring;
    this.kept = kept;
    this.said = said;
    this.onEnd = onEnd;
  }

  /** Ends this stream when {@code owner} becomes unreachable before it ended. */
  void endWhenUnreachable(Object owner) {
    cleanable = CLEANER.register(owner, this::collected);
  }

  private void collected() {
    if (end(false)) {
      said.log(LOG, "unclosed", Level.WARNING, "fgbg StreamEpoch: a BatchIterator was dropped "
          + "without being closed or read to the end: its server stream and shared-memory ring "
          + "were held until the garbage collector found it; close it (try-with-resources)");
    }
  }

  boolean ended() {
    return ended.get();
  }

  /**
   * What {@code read} answers, or null when the stream has no more: it ended with OK (then
   * {@code whole} is why: every message was read), or any thread ended it (a close; whatever
   * the call then threw is not an error). A failure ends the stream and is rethrown.
   */
  <T> T read(Supplier<T> read, String whole) {
    if (ended()) {
      return null;
    }
    T next;
    try {
      next = read.get();
    } catch (RuntimeException e) {
      if (ended()) {
        return null; // closed by another thread: the call's cancellation is not an error
      }
      end(false); // a failed call: its ring is removed, whether or not the caller closes it
      endedAs = "the stream failed (" + e.getMessage() + ")";
      throw e;
    }
    if (next == null && !ended()) {
      end(true); // the call ended with OK: no write of the server is in flight
      endedAs = whole;
    }
    return next;
  }

  /** Why a reader has no next message: {@link #read}'s reason, else {@code closed}. */
  String endedAs(String closed) {
    String why = endedAs;
    return why != null ? why : closed;
  }

  /**
   * Cancels the call if it still runs, and keeps the ring for the client's next stream when
   * {@code whole} (the call ended with OK: no write of the server is in flight) or removes it.
   * True when this call ended the stream, false when it had ended already.
   */
  boolean end(boolean whole) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    context.cancel(null);
    synchronized (lock) {
      if (ring != null && whole && kept != null) {
        kept.give(ring);
      } else if (ring != null) {
        ring.close();
      }
      ring = null;
    }
    onEnd.accept(this);
    if (cleanable != null) {
      cleanable.clean(); // unregistered: nothing is left for the Cleaner (its end is a no-op)
    }
    return true;
  }

  /** {@code read} of the ring, or null when the stream ended (its ring is gone). */
  <T> T withRing(Function<ClientRing, T> read) {
    synchronized (lock) {
      return ended.get() || ring == null ? null : read.apply(ring);
    }
  }

  /** Removes the ring now: the server will not use it (it refused it), so it only holds room. */
  void dropRing() {
    synchronized (lock) {
      if (ring != null) {
        ring.close();
        ring = null;
      }
    }
  }
}
