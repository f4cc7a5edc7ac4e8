package dev.fgbg.client;

import dev.fgbg.common.Unanswered;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bounds how long a stream (StreamEpoch, Stats, an export: 24 h deadline by default) waits for
 * its connection: a target whose socket accepts connections but never answers (a hung process,
 * a port that is no gRPC server) never sends HTTP/2 settings, grpc-java waits for them without
 * a timeout and its keepalive pings only once the connection is up, so such a call waited out
 * its whole deadline. Not on a connection within the sooner of the unary deadline and
 * {@link #MOST} (gRPC's connect timeout, after which the Python client's gRPC gives up too), it
 * ends UNAVAILABLE in {@link Unanswered}'s words, which failover passes over.
 * Unary calls are left alone: their own deadline ends the wait.
 */
final class ConnectBound implements ClientInterceptor {
  /** The longest wait: gRPC core's connect timeout (grpcio's "before receiving SETTINGS"). */
  static final Duration MOST = Duration.ofSeconds(20);

  /** When the call gave up; the bound, e.g. "2 s". */
  static final String WITHIN = "within %s, the sooner of the client's deadline and 20 s";

  /** What gRPC would have said: nothing, it waits on. */
  static final String NO_SETTINGS = "no HTTP/2 settings came";

  /** The longest wait of clients built from now on: {@link #MOST}, shorter in tests. */
  static volatile Duration most = MOST;

  static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "fgbg-connect-bound");
    t.setDaemon(true); // a JVM whose calls are done does not wait for their checks
    return t;
  });

  static {
    // A check cancelled as its call ends leaves at once, and with it the call it holds.
    TIMER.setRemoveOnCancelPolicy(true);
  }

  private final String target;
  private final long boundNanos;

  ConnectBound(String target, Duration deadline) {
    this.target = target;
    Duration m = most;
    this.boundNanos = (deadline.compareTo(m) < 0 ? deadline : m).toNanos();
  }

  /** Whether {@code status} is this bound's end of a call that had no connection. */
  static boolean ended(Status status) {
    String said = status.getDescription();
    return status.getCode() == Status.Code.UNAVAILABLE && said != null
        && said.startsWith(Unanswered.START) && said.contains(NO_SETTINGS);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions options, Channel next) {
    Deadline own = options.getDeadline();
    Deadline context = Context.current().getDeadline();
    Deadline deadline = own == null ? context : context == null ? own : own.minimum(context);
    if (method.getType() == MethodDescriptor.MethodType.UNARY || (deadline != null
        && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= boundNanos)) {
      return next.newCall(method, options); // its own deadline ends the wait as soon
    }
    OnTransport connected = new OnTransport();
    ClientCall<Q, R> call = next.newCall(method, connected.on(options));
    return new SimpleForwardingClientCall<>(call) {
      private volatile boolean silent;
      private final AtomicReference<ScheduledFuture<?>> check = new AtomicReference<>();

      @Override
      public void start(Listener<R> listener, Metadata headers) {
        // Scheduled before the start, so that an end within the start cancels it.
        check.set(TIMER.schedule(() -> {
          if (!connected.created()) {
            silent = true;
            cancel(NO_SETTINGS + " from " + target, null);
          }
        }, boundNanos, TimeUnit.NANOSECONDS));
        try {
          super.start(new SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onClose(Status status, Metadata trailers) {
              check.get().cancel(false);
              super.onClose(silent ? Status.UNAVAILABLE.withDescription(Unanswered.words(target,
                  WITHIN.formatted(ReconnectWindow.words(Duration.ofNanos(boundNanos))),
                  NO_SETTINGS, "deadline")) : status, trailers);
            }
          }, headers);
        } catch (RuntimeException e) {
          check.get().cancel(false);
          throw e;
        }
      }
    };
  }
}
