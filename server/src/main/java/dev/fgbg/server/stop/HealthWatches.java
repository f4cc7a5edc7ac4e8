package dev.fgbg.server.stop;

import dev.fgbg.server.status.HeldByCall;
import dev.fgbg.server.status.Statuses;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The health service's Watch streams, which never end by themselves: a stopping server would
 * wait its whole grace for them (a Kubernetes probe or load balancer watching health delays
 * every shutdown). Once health has told them NOT_SERVING, {@link #endAll()} ends each with
 * UNAVAILABLE, and a Watch that starts later ends after its first answer.
 */
public final class HealthWatches implements ServerInterceptor {
  private static final String WATCH = HealthGrpc.getWatchMethod().getFullMethodName();

  private final Set<Ending<?, ?>> open = ConcurrentHashMap.newKeySet();
  private volatile boolean ending;

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!call.getMethodDescriptor().getFullMethodName().equals(WATCH)) {
      return next.startCall(call, headers);
    }
    Ending<Q, R> watch = new Ending<>(call);
    open.add(watch);
    return HeldByCall.start(watch, headers, next, () -> open.remove(watch));
  }

  /** Ends every open Watch (call after health entered its terminal state). */
  public void endAll() {
    ending = true;
    List.copyOf(open).forEach(Ending::end);
  }

  /** A Watch call that the server may end; nothing is sent on it once it ended. */
  private final class Ending<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private boolean closed;

    Ending(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
        if (ending) {
          end();
        }
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }

    synchronized void end() {
      open.remove(this);
      close(Statuses.stopping(), new Metadata());
    }
  }
}
