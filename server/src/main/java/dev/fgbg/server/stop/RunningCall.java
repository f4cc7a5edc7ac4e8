package dev.fgbg.server.stop;

import dev.fgbg.server.status.ServerStopping;
import dev.fgbg.server.status.Statuses;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A call tracked in {@link Draining} while it runs (an export; the reply calls GetSamples,
 * Gallery, Stats, StatsWithProgress), so that one still running when the server's grace runs
 * out ends UNAVAILABLE in words, not in the transport's bare reset (a CANCELLED that plain gRPC
 * clients take for their own cancel and do not retry). The stop asks it to stop (its cancel
 * checks see {@link #cancelled}), then ends it from {@link Draining#endAll} if it has not
 * ended: one close ({@link OneEnd}), whoever comes first. A reply handed to the transport has
 * ended: the stop leaves it.
 */
public final class RunningCall {
  private final ServerCallStreamObserver<?> call;
  private final Supplier<ServerStopping> why;
  private final OneEnd once = new OneEnd();
  private volatile boolean stopped;
  private Runnable untrack;

  private RunningCall(ServerCallStreamObserver<?> call, Supplier<ServerStopping> why) {
    this.call = call;
    this.why = why;
  }

  /**
   * Tracks a reply call from now until it ends.
   *
   * @param what the call in the stop's words ("GetSamples call")
   * @param stop what else the stop cancels (its renders)
   */
  public static RunningCall track(Draining draining, ServerCallStreamObserver<?> call, String what,
      Runnable stop) {
    return track(draining, call, () -> new ServerStopping(what, "call it again on another "
        + "replica, or once the server is back"), stop, () -> { });
  }

  /**
   * Tracks {@code call} from now until it ends.
   *
   * @param why what the stop tells it (made when needed)
   * @param stop what else the stop cancels
   * @param stoppedEnd runs once the stop has ended it (an export's end line)
   */
  public static RunningCall track(Draining draining, ServerCallStreamObserver<?> call,
      Supplier<ServerStopping> why, Runnable stop, Runnable stoppedEnd) {
    RunningCall r = new RunningCall(call, why);
    r.untrack = draining.track(() -> {
      r.stopped = true;
      stop.run();
    }, () -> {
      if (!r.once.end(() -> call.onError(r.stoppedStatus()))) {
        return false;
      }
      stoppedEnd.run();
      return true;
    });
    return r;
  }

  /** Its cancel check: the client left, or the server's stop asked it to stop. */
  public BooleanSupplier cancelled() {
    return () -> stopped || call.isCancelled();
  }

  public boolean stopped() {
    return stopped;
  }

  /** Sends a message (progress) with {@code send} unless the call has ended. */
  public boolean send(Runnable send) {
    return once.send(send);
  }

  /**
   * Ends the call with {@code close} (its reply and status) unless it has ended already;
   * whether it ended it.
   */
  public boolean end(Runnable close) {
    try {
      return once.end(close);
    } finally {
      untrack.run();
    }
  }

  /** Ends the call with {@link #status} of {@code cause}; nothing once the client left. */
  public void fail(Throwable cause) {
    end(() -> {
      if (!call.isCancelled()) {
        call.onError(status(cause));
      }
    });
  }

  /** The status of a failure: the stop's words once it asked the call to stop (its cancel). */
  public StatusRuntimeException status(Throwable cause) {
    return stopped ? stoppedStatus() : Statuses.toStatus(cause);
  }

  private StatusRuntimeException stoppedStatus() {
    return Statuses.toStatus(why.get());
  }
}
