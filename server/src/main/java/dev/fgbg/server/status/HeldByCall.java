package dev.fgbg.server.status;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Something an interceptor takes for a call (a slot, a place in a pool, a registration) and gives
 * back exactly once when the call ends, whichever end comes first: the server's close (before
 * the client hears the status, so a client that calls again once it did finds the place free),
 * the client's cancel, the call's completion, or the service's {@code startCall} throwing.
 */
public final class HeldByCall {
  private HeldByCall() {}

  /** Starts {@code call} through {@code next}; {@code release} runs once when it ends. */
  public static <Q, R> ServerCall.Listener<Q> start(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next, Runnable release) {
    return start(call, release, held -> next.startCall(held, headers));
  }

  /**
   * As above, for an interceptor that wraps the call further: {@code start} gets the call whose
   * close gives back, wraps it if it wants, and starts it. The listener it returns may be
   * wrapped too; its cancel and completion give back before the service hears them.
   */
  public static <Q, R> ServerCall.Listener<Q> start(ServerCall<Q, R> call, Runnable release,
      Function<ServerCall<Q, R>, ServerCall.Listener<Q>> start) {
    AtomicBoolean given = new AtomicBoolean();
    Runnable once = () -> {
      if (given.compareAndSet(false, true)) {
        release.run();
      }
    };
    ServerCall<Q, R> held = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        once.run();
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> listener;
    try {
      listener = start.apply(held);
    } catch (RuntimeException | Error e) {
      once.run();
      throw e;
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        once.run();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        once.run();
        super.onComplete();
      }
    };
  }
}
