package dev.fgbg.client;

import dev.fgbg.common.Unanswered;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A client's streaming calls, every open one ended when the client closes (a StreamEpoch's
 * ring removed); a closed client starts none. Each StreamEpoch is offered a shared-memory ring
 * when one may be.
 */
final class ClientStreams implements AutoCloseable {
  /** How the reason begins when no ring could be made: a fallback worth a warning. */
  static final String NO_RING = "no ring: ";

  /** The ring's Describe was not answered; the target, the deadline, gRPC's words. */
  static final String NO_ANSWER = "%s" + Unanswered.NO_RING_REPLY + "within %s, the client's "
      + "deadline (%s): a hung or very busy server";

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
  private final String target;
  private final Duration deadline;
  private volatile boolean closed;

  /**
   * @param sharedMemoryOff why no ring is offered, or null when one may be
   * @param target the server, named when it does not answer the ring's Describe
   * @param deadline the unary deadline, that Describe's
   */
  ClientStreams(String sharedMemoryOff, String target, Duration deadline) {
    this.sharedMemoryOff = sharedMemoryOff;
    this.target = target;
    this.deadline = deadline;
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
      } catch (StatusRuntimeException e) {
        if (String.valueOf(e.getStatus().getDescription()).contains(Unanswered.TOO_SHORT)) {
          throw e; // a deadline too short to connect: not a hung server
        }
        if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
            || ConnectBound.ended(e.getStatus())) {
          // Not answered within the deadline (or the bound on the wait for a connection): nor
          // would the stream be (a hung server), so it fails now, as the Python client's does,
          // rather than wait as long again for the stream's connection. Its cause: the
          // Describe's end, which the CLI words for a --deadline too short to connect.
          throw new StatusRuntimeException(Status.DEADLINE_EXCEEDED.withDescription(
              String.format(NO_ANSWER, target, ReconnectWindow.words(deadline),
                  e.getStatus().getDescription())).withCause(e), e.getTrailers());
        }
        whyNot = NO_RING + e.getMessage(); // Describe failed: the stream says why
      } catch (IOException | RuntimeException e) {
        whyNot = NO_RING + e.getMessage(); // no ring could be made: the network it is
      }
    }
    ClientRing offered = ring;
    String why = whyNot;
    BatchIterator it;
    try {
      it = starter.start(request, (messages, context) ->
          new BatchIterator(messages, open(context, offered), offered, why, said));
    } catch (RuntimeException e) {
      if (offered != null) {
        offered.close();
      }
      throw e;
    }
    return it;
  }

  /** A progress call's messages, ended by a close of the iterator or of the client. */
  <M> ProgressIterator<M> progress(Iterator<M> messages, Context.CancellableContext context) {
    return new ProgressIterator<>(messages, open(context, null));
  }

  /**
   * The call of {@code context} (and its ring, or null) as one of the client's open streams,
   * ended by the client's close.
   */
  OpenStream open(Context.CancellableContext context, ClientRing ring) {
    OpenStream stream = new OpenStream(context, ring, rings, said, open::remove);
    open.add(stream);
    if (closed) {
      stream.end(false); // the client closed while this one started: its close may have missed it
    }
    return stream;
  }

  @Override
  public void close() {
    closed = true;
    List.copyOf(open).forEach(s -> s.end(false));
    rings.close();
  }
}
