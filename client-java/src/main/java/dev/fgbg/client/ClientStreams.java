package dev.fgbg.client;

import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Context;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A client's StreamEpoch calls: each offered a shared-memory ring when one may be, every open
 * one closed (its ring removed) when the client closes; a closed client starts none.
 */
final class ClientStreams implements AutoCloseable {
  /** Starts the call of a request, wrapping its messages and context as {@code wrap} does. */
  interface Starter {
    BatchIterator start(StreamEpochRequest request,
        BiFunction<Iterator<SampleBatch>, Context.CancellableContext, BatchIterator> wrap);
  }

  private final ClientRings rings = new ClientRings();
  private final Set<BatchIterator> open = ConcurrentHashMap.newKeySet();
  private final String sharedMemoryOff;
  private volatile boolean closed;

  /** @param sharedMemoryOff why no ring is offered, or null when one may be */
  ClientStreams(String sharedMemoryOff) {
    this.sharedMemoryOff = sharedMemoryOff;
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this FgbgClient is closed");
    }
  }

  /** The batches of {@code request}, through a ring sized by its dataset's description. */
  BatchIterator start(StreamEpochRequest request, Function<String, DatasetInfo> describe,
      Starter starter) {
    checkOpen();
    ClientRing ring = null;
    String whyNot = sharedMemoryOff;
    if (whyNot == null && !request.hasSharedMemory()) {
      try {
        ring = rings.take(ClientRings.SLOTS, RingChoice.slotBytes(
            describe.apply(request.getDataset()), request));
        request = request.toBuilder().setSharedMemory(ring.offer()).build();
      } catch (IOException | RuntimeException e) {
        // Describe failed (the stream says why) or no ring could be made: the network it is.
        whyNot = "no ring: " + e.getMessage();
      }
    }
    ClientRing offered = ring;
    String why = whyNot;
    BatchIterator it;
    try {
      it = starter.start(request, (messages, context) -> {
        BatchIterator b = new BatchIterator(messages, context, offered, rings, why,
            open::remove);
        open.add(b);
        return b;
      });
    } catch (RuntimeException e) {
      if (offered != null) {
        offered.close();
      }
      throw e;
    }
    if (closed) {
      it.close(); // the client closed while this one started: its close may have missed it
    }
    return it;
  }

  @Override
  public void close() {
    closed = true;
    List.copyOf(open).forEach(BatchIterator::close);
    rings.close();
  }
}
