package dev.fgbg.server;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls of a test's channel that have not ended, cancelled when the test closes it. A call
 * whose messages were never requested (a test's client that stops reading) keeps what its
 * transport received until it is cancelled: a channel shut down under it does not release those
 * buffers, and Netty's leak detector then reports them, in whatever test runs at the next GC.
 */
public final class OpenCalls implements ClientInterceptor {
  private final Set<ClientCall<?, ?>> open = ConcurrentHashMap.newKeySet();

  @Override
  public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method,
      CallOptions options, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<A> listener, Metadata headers) {
        ClientCall<Q, A> call = this;
        open.add(call);
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            open.remove(call);
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }

  /** Cancels every call still open. */
  public void cancelAll() {
    for (ClientCall<?, ?> call : open) {
      call.cancel("the test's client closed", null);
    }
  }
}
