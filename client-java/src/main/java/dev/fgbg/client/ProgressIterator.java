package dev.fgbg.client;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Progress messages of a long call (an export, or stats with progress); close it to cancel the
 * call on the server. One thread reads it; any thread may close it (a watchdog, the client's
 * close): the reader's {@code hasNext} then answers false, as a {@link BatchIterator}'s does.
 *
 * @param <M> the progress message
 */
public final class ProgressIterator<M> implements Iterator<M>, AutoCloseable {
  private final Iterator<M> messages;
  private final OpenStream stream;
  private M next;

  ProgressIterator(Iterator<M> messages, OpenStream stream) {
    this.messages = messages;
    this.stream = stream;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = stream.read(() -> messages.hasNext() ? messages.next() : null,
          "the call ended: every progress message was read (hasNext() answers false)");
    }
    return next != null;
  }

  @Override
  public M next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no next progress message: " + stream.endedAs(
          "this ProgressIterator was closed (by its close() or its FgbgClient's)"));
    }
    M m = next;
    next = null;
    return m;
  }

  /** Cancels the call if it is still running. */
  @Override
  public void close() {
    stream.end(false);
  }
}
