package dev.fgbg.server.observe;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.server.transport.ClientIdentity;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Names refused calls in the log, not only in the metrics: RESOURCE_EXHAUSTED before any reply
 * and before any admitted work began (a client over the stream caps, the memory budget or a full
 * queue; a full disk mid-export is the export's failure, which its service logs) and
 * UNAUTHENTICATED (no
 * or an unknown token), naming the method, the peer and the client's identity. At most one
 * WARNING line a minute per kind, then with the count since ({@link MinuteLines}), so a hostile
 * client cannot fill the log; a count held back is logged once its minute is over, by a check
 * on the server's timer, so a burst's last count is said without waiting for another refusal
 * (and, at {@link #close}, what is held then). Outside the authenticator, so it sees its
 * refusals. A call its service marks {@link #busy} (an export whose folder another export
 * writes, or a destination that is a file or inside an export) is logged so too, at INFO: the
 * client's to fix or retry, not the operator's.
 */
public final class RefusalLog implements ServerInterceptor, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RefusalLog.class.getName());

  /** Set once a call's admitted work begins ({@link #workBegins}). */
  private static final Context.Key<AtomicBoolean> WORK_BEGAN = Context.key("fgbg-work-began");
  /** Set when a call is refused for a moment's conflict of the client's ({@link #busy}). */
  private static final Context.Key<AtomicBoolean> BUSY = Context.key("fgbg-busy");

  /** How often the held counts are looked at: a summary comes at most this late. */
  public static final Duration TICK = Duration.ofSeconds(1);

  private final MinuteLines exhausted;
  private final MinuteLines unauthenticated;
  private final MinuteLines busy;
  private final ScheduledFuture<?> ticks;

  /**
   * @param ticker the minutes' clock (the system ticker outside tests)
   * @param timer runs the check every {@code tick} until {@link #close}
   */
  public RefusalLog(Ticker ticker, ScheduledExecutorService timer, Duration tick) {
    this.exhausted = lines(ticker, "calls refused over the server's limits");
    this.unauthenticated = lines(ticker, "calls refused without a valid token");
    // The client's own conflict, retried as told (an export whose folder another writes, or
    // one that names an export's or a file's place): INFO.
    this.busy = MinuteLines.of(LOG, Level.INFO, ticker::read,
        "calls refused for what they asked for as it stands (held by another call, or no"
        + " place to write)");
    this.ticks = timer.scheduleWithFixedDelay(() -> {
      try {
        flush(false);
      } catch (RuntimeException e) { // a bug (a log handler's): the checks must go on
        LOG.log(Level.WARNING, "logging the refusals held back failed", e);
      }
    }, tick.toNanos(), tick.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void flush(boolean evenWithinTheMinute) {
    exhausted.flush(evenWithinTheMinute);
    unauthenticated.flush(evenWithinTheMinute);
    busy.flush(evenWithinTheMinute);
  }

  /** Stops the checks and logs the counts still held back: the server is stopping. */
  @Override
  public void close() {
    ticks.cancel(false);
    flush(true);
  }

  private static MinuteLines lines(Ticker ticker, String many) {
    return MinuteLines.of(LOG, Level.WARNING, ticker::read, many);
  }

  /**
   * Called in a call's context as its work is admitted; the returned action marks that the work
   * began (run it where the work starts, on whatever thread).
   */
  public static Runnable workBegins() {
    AtomicBoolean began = WORK_BEGAN.get();
    return began == null ? () -> { } : () -> began.set(true);
  }

  /**
   * Called in a call's context; the returned action marks the call as refused for what another
   * call holds right now (run it before the call closes, on whatever thread): its refusal is
   * logged here, at INFO, instead of by its service.
   */
  public static Runnable busy() {
    AtomicBoolean refused = BUSY.get();
    return refused == null ? () -> { } : () -> refused.set(true);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String peer = ClientIdentity.address(call.getAttributes()
        .get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    String method = call.getMethodDescriptor().getBareMethodName();
    AtomicBoolean began = new AtomicBoolean();
    AtomicBoolean refused = new AtomicBoolean();
    Context context = Context.current().withValues(WORK_BEGAN, began, BUSY, refused);
    return Contexts.interceptCall(context, new SimpleForwardingServerCall<>(call) {
      private volatile String identity;
      private volatile boolean replied;

      @Override
      public void request(int n) {
        // The handler asks for the request inside the call's context, once authenticated.
        String id = ClientIdentity.AUTHENTICATED.get();
        if (id != null) {
          identity = id;
        }
        super.request(n);
      }

      @Override
      public void sendMessage(R message) {
        replied = true;
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        MinuteLines kind = status.getCode() == Status.Code.UNAUTHENTICATED ? unauthenticated
            : status.getCode() == Status.Code.RESOURCE_EXHAUSTED && !replied && !began.get()
            ? exhausted : refused.get() ? busy : null;
        if (kind != null) {
          String id = identity != null ? identity : ClientIdentity.AUTHENTICATED.get();
          String what = method + " from " + peer + (id != null ? " (" + id + ")" : "") + ": "
              + status.getCode() + " " + status.getDescription();
          kind.log("refused " + what + " (" + MinuteLines.COUNTED + ")", what);
        }
        super.close(status, trailers);
      }
    }, headers, next);
  }
}
