package dev.fgbg.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a call with a long deadline (a stream, Stats, an export: 24 h by default)
 * waits for its connection: a target whose socket accepts connections but never answers (a
 * hung process, a port that is no gRPC server) never sends HTTP/2 settings, grpc-java waits
 * for them without a timeout and its keepalive pings only once the connection is up, so such
 * a call waited out its whole deadline. Not on a connection within the sooner of the unary
 * deadline and {@link #MOST} (gRPC's connect timeout, after which the Python client's gRPC
 * gives up too), it ends UNAVAILABLE in words naming the target, which failover passes over.
 */
final class ConnectBound implements ClientInterceptor {
  /** The longest wait: gRPC core's connect timeout (grpcio's "before receiving SETTINGS"). */
  static final Duration MOST = Duration.ofSeconds(20);

  /** The target and the bound, e.g. "2 s". */
  static final String SILENT = "no fgbg server answers at %s (it accepts connections but sent "
      + "no HTTP/2 settings within %s, the sooner of the client's deadline and 20 s): the "
      + "process there hangs (stopped, frozen, out of memory) or is not a gRPC server";

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fgbg-connect-bound");
        t.setDaemon(true); // a JVM whose calls are done does not wait for their checks
        return t;
      });

  private final String target;
  private final long boundNanos;

  ConnectBound(String target, Duration deadline) {
    this.target = target;
    this.boundNanos = (deadline.compareTo(MOST) < 0 ? deadline : MOST).toNanos();
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions options, Channel next) {
    ClientCall<Q, R> call = next.newCall(method, options);
    Deadline own = options.getDeadline();
    Deadline context = Context.current().getDeadline();
    Deadline deadline = own == null ? context : context == null ? own : own.minimum(context);
    if (deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= boundNanos) {
      return call; // a unary call: its own deadline ends the wait as soon
    }
    return new SimpleForwardingClientCall<>(call) {
      private volatile boolean silent;
      private volatile ScheduledFuture<?> check;

      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            ScheduledFuture<?> c = check;
            if (c != null) {
              c.cancel(false);
            }
            super.onClose(silent ? Status.UNAVAILABLE.withDescription(SILENT.formatted(target,
                ReconnectWindow.words(Duration.ofNanos(boundNanos)))) : status, trailers);
          }
        }, headers);
        check = TIMER.schedule(() -> {
          // On a connection the call has its address; keepalive watches it from then on.
          if (getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) == null) {
            silent = true;
            cancel("no HTTP/2 settings from " + target, null);
          }
        }, boundNanos, TimeUnit.NANOSECONDS);
      }
    };
  }
}
