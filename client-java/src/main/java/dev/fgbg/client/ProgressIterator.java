package dev.fgbg.client;

import io.grpc.Context;
import java.util.Iterator;

/**
 * Progress messages of a long call (an export, or stats with progress); close it to cancel the
 * call on the server.
 *
 * @param <M> the progress message
 */
public final class ProgressIterator<M> implements Iterator<M>, AutoCloseable {
  private final Iterator<M> messages;
  private final Context.CancellableContext context;

  ProgressIterator(Iterator<M> messages, Context.CancellableContext context) {
    this.messages = messages;
    this.context = context;
  }

  @Override
  public boolean hasNext() {
    return messages.hasNext();
  }

  @Override
  public M next() {
    return messages.next();
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
