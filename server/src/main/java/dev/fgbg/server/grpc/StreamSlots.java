package dev.fgbg.server.grpc;

import dev.fgbg.core.load.StreamCaps;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The stream caps as a policy around StreamEpoch calls, not in their bodies: a call takes a
 * slot of {@link StreamCaps} (for {@link ClientIdentity#current()}, set by the interceptors
 * outside this one) before it starts, or ends RESOURCE_EXHAUSTED naming the limit; the slot is
 * given back however the call ends, before the client hears its status (so a client that opens
 * its next stream once one ended finds the slot free).
 */
final class StreamSlots implements ServerInterceptor {
  private final StreamCaps caps;

  StreamSlots(StreamCaps caps) {
    this.caps = caps;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!call.getMethodDescriptor().getFullMethodName()
        .equals(FgbgGrpc.getStreamEpochMethod().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    StreamCaps.Slot slot;
    try {
      slot = caps.open(ClientIdentity.current());
    } catch (RuntimeException e) {
      Status refused = Statuses.toStatus(e).getStatus();
      call.close(refused, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    ServerCall<Q, R> releasing = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        slot.close();
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(releasing, headers);
    } catch (RuntimeException | Error e) {
      slot.close();
      throw e;
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        slot.close();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        slot.close();
        super.onComplete();
      }
    };
  }
}
