package dev.fgbg.client;

import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SampleMeta;
import io.grpc.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Whole batches from a StreamEpoch call, joining chunks. Close it to cancel the call when you
 * stop early; reading to the end closes it by itself. Not thread-safe.
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
  private final Iterator<SampleBatch> messages;
  private final Context.CancellableContext context;
  private SampleBatch pending;
  private Batch next;
  private boolean closed;

  BatchIterator(Iterator<SampleBatch> messages, Context.CancellableContext context) {
    this.messages = messages;
    this.context = context;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !closed) {
      next = assemble();
      if (next == null) {
        close();
      }
    }
    return next != null;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Batch b = next;
    next = null;
    return b;
  }

  private Batch assemble() {
    SampleBatch first = pending != null ? pending : (messages.hasNext() ? messages.next() : null);
    pending = null;
    if (first == null) {
      return null;
    }
    List<Long> indices = new ArrayList<>(first.getIndicesList());
    List<SampleMeta> meta = new ArrayList<>(first.getMetaList());
    var images = first.getImages();
    var masks = first.getMasks();
    var depth = first.getDepth();
    for (int c = 1; c < first.getChunkCount(); c++) {
      if (!messages.hasNext()) {
        throw new IllegalStateException("stream ended inside batch " + first.getBatchIndex());
      }
      SampleBatch m = messages.next();
      if (m.getBatchIndex() != first.getBatchIndex() || m.getChunkIndex() != c) {
        throw new IllegalStateException("expected chunk " + c + " of batch "
            + first.getBatchIndex() + ", got chunk " + m.getChunkIndex() + " of batch "
            + m.getBatchIndex());
      }
      indices.addAll(m.getIndicesList());
      meta.addAll(m.getMetaList());
      images = images.concat(m.getImages());
      masks = masks.concat(m.getMasks());
      depth = depth.concat(m.getDepth());
    }
    return new Batch(first.getBatchIndex(), List.copyOf(indices), first.getHeight(),
        first.getWidth(), images, masks, depth, first.getDepthDtype(), first.getDepthHeight(),
        first.getDepthWidth(), List.copyOf(meta), first.getFingerprint());
  }

  /** Cancels the call if it is still running. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      context.cancel(null);
    }
  }
}
