package dev.fgbg.client;

import dev.fgbg.v1.ExportProgress;
import io.grpc.Context;
import java.util.Iterator;

/** Progress of an export; close it to cancel the export on the server. */
public final class ProgressIterator implements Iterator<ExportProgress>, AutoCloseable {
  private final Iterator<ExportProgress> messages;
  private final Context.CancellableContext context;

  ProgressIterator(Iterator<ExportProgress> messages, Context.CancellableContext context) {
    this.messages = messages;
    this.context = context;
  }

  @Override
  public boolean hasNext() {
    return messages.hasNext();
  }

  @Override
  public ExportProgress next() {
    return messages.next();
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
