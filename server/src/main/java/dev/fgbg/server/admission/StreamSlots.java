package dev.fgbg.server.admission;

import dev.fgbg.core.load.StreamCaps;
import dev.fgbg.server.status.HeldByCall;
import dev.fgbg.server.status.Statuses;
import dev.fgbg.server.transport.ClientIdentity;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;

/**
 * The stream caps as a policy around StreamEpoch calls, not in their bodies: a call takes a
 * slot of {@link StreamCaps} (for {@link ClientIdentity#current()}, set by the interceptors
 * outside this one) before it starts, or ends RESOURCE_EXHAUSTED naming the limit; the slot is
 * given back however the call ends, before the client hears its status (so a client that opens
 * its next stream once one ended finds the slot free). A stream refused ends its client's
 * stream not read for longest, if for the limit or more, and takes its slot; a refusal that
 * remains says how many of the client's streams are not read, and for how long
 * ({@link UnreadStreams}). While others wait for memory, a stream not read within the
 * GetSamples replies' limit is ended ({@link UnreadReplies#whileShort}).
 */
public final class StreamSlots implements ServerInterceptor {
  private final StreamCaps caps;
  private final UnreadStreams reading;

  /**
   * @param unreadLimit how long a stream must have gone unread to be ended for a newcomer
   * @param memory whose checks, while others wait for memory, end streams not read
   */
  public StreamSlots(StreamCaps caps, Duration unreadLimit, UnreadReplies memory) {
    this.caps = caps;
    this.reading = new UnreadStreams(System::nanoTime, unreadLimit);
    memory.whileShort(reading);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!call.getMethodDescriptor().getFullMethodName()
        .equals(FgbgGrpc.getStreamEpochMethod().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    String client = ClientIdentity.current();
    StreamCaps.Slot held;
    try {
      held = open(client);
    } catch (RuntimeException e) {
      Status refused = Statuses.toStatus(e).getStatus();
      call.close(refused.withDescription(refused.getDescription() + reading.unread(client)),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    UnreadStreams.Watch watch = reading.open(client, held::close, CallContexts.current());
    Runnable release = () -> {
      watch.close();
      held.close();
    };
    ServerCall.Listener<Q> listener = HeldByCall.start(call, release,
        releasing -> next.startCall(watched(releasing, watch), headers));
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onReady() {
        watch.ready();
        super.onReady();
      }
    };
  }

  /** The call noting, for {@link UnreadStreams}, whether its client reads what it sends. */
  private static <Q, R> ServerCall<Q, R> watched(ServerCall<Q, R> call,
      UnreadStreams.Watch watch) {
    return new SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        super.sendMessage(message);
        watch.sent(isReady());
      }
    };
  }

  /** A slot for {@code client}; when refused, once more after ending its longest-unread. */
  private StreamCaps.Slot open(String client) {
    try {
      return caps.open(client);
    } catch (RuntimeException e) {
      if (!reading.endLongestUnread(client)) {
        throw e;
      }
      return caps.open(client);
    }
  }
}
