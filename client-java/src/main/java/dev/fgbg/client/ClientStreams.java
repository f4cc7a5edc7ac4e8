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
  /** How the reason begins when no ring could be made: a fallback worth a warning. */
  static final String NO_RING = "no ring: ";

  /** Starts the call of a request, wrapping its messages and context as {@code wrap} does. */
  interface Starter {
    BatchIterator start(StreamEpochRequest request,
        BiFunction<Iterator<SampleBatch>, Context.CancellableContext, BatchIterator> wrap);
  }

  private final ClientRings rings = new ClientRings();
  // What the open streams hold, not the iterators: a dropped iterator must become unreachable.
  private final Set<OpenStream> open = ConcurrentHashMap.newKeySet();
  private final OnceLog said = new OnceLog();
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
        whyNot = NO_RING + e.getMessage();
      }
    }
    ClientRing offered = ring;
    String why = whyNot;
    BatchIterator it;
    try {
      it = starter.start(request, (messages, context) -> {
        OpenStream stream = new OpenStream(context, offered, rings, said, open::remove);
        open.add(stream);
        return new BatchIterator(messages, stream, offered, why, said);
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
    List.copyOf(open).forEach(s -> s.end(false));
    rings.close();
  }
}
