package dev.fgbg.server.admission;

import dev.fgbg.core.load.Admission;
import dev.fgbg.server.observe.RefusalLog;
import dev.fgbg.server.observe.StreamCounter;
import dev.fgbg.server.status.ServerStopping;
import dev.fgbg.server.status.Statuses;
import dev.fgbg.server.stop.Draining;
import dev.fgbg.server.stop.RunningCall;
import dev.fgbg.server.transport.ClientIdentity;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs heavy calls (Stats, Export, Gallery) once their {@link Admission} lets them in, each
 * counted against its client's share ({@link ClientIdentity}) where the admission has shares. A
 * queued call holds no thread; if it is cancelled or its deadline passes while it waits, it
 * leaves the queue and never runs; one still queued when the server stops its calls ends
 * UNAVAILABLE in words. A full queue or share answers RESOURCE_EXHAUSTED naming the limit.
 */
public final class AdmittedCalls {
  private final Admission admission;
  private final Executor threads;
  private final StreamCounter stats;
  private final Draining draining;

  /**
   * @param threads runs each admitted call's body (at most the admission's cap at once)
   * @param draining ends the calls still queued when the server stops its calls
   */
  AdmittedCalls(Admission admission, Executor threads, StreamCounter stats, Draining draining) {
    this.admission = admission;
    this.threads = threads;
    this.stats = stats;
    this.draining = draining;
  }

  public Admission admission() {
    return admission;
  }

  /** Where the calls it runs are tracked while they run ({@link RunningCall}). */
  public Draining draining() {
    return draining;
  }

  /**
   * Must run inside the service method (it installs the cancel handler). {@code body} runs on
   * one of the threads with a permit held, and answers the call itself; {@code onCancel} runs
   * when the client goes away, queued or running.
   */
  public void run(ServerCallStreamObserver<?> call, Runnable onCancel, Runnable body) {
    start(call, onCancel, () -> {
      body.run();
      return DONE;
    });
  }

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /**
   * As {@link #run}, for a body that only starts its work (on a render lane, waiting for budget
   * without a thread): the permit is held until the future it returns completes.
   */
  public void start(ServerCallStreamObserver<?> call, Runnable onCancel,
      Supplier<CompletableFuture<?>> body) {
    Deadline deadline = Context.current().getDeadline();
    Runnable began = RefusalLog.workBegins();
    CompletableFuture<Admission.Permit> admitted = admission.admit(ClientIdentity.current());
    call.setOnCancelHandler(() -> {
      if (admitted.cancel(false)) {
        stats.droppedFromQueue();
      }
      onCancel.run();
    });
    // Still queued when the server stops its calls: it never runs, and ends now in words
    // rather than in the transport's bare cancel (whichever takes it from the queue answers).
    BooleanSupplier leave = () -> {
      if (!admitted.cancel(false)) {
        return false;
      }
      stats.droppedFromQueue();
      call.onError(Statuses.toStatus(ServerStopping.queued()));
      return true;
    };
    Runnable untrack = draining.track(leave::getAsBoolean, leave);
    admitted.whenComplete((permit, e) -> {
      untrack.run();
      if (admitted.isCancelled()) {
        return;
      }
      if (e != null) {
        call.onError(Statuses.toStatus(e));
        return;
      }
      if (call.isCancelled() || (deadline != null && deadline.isExpired())) {
        permit.close();
        stats.droppedFromQueue();
        if (!call.isCancelled()) {
          call.onError(Statuses.expiredInQueue());
        }
        return;
      }
      try {
        threads.execute(() -> {
          stats.admittedStarted();
          began.run();
          CompletableFuture<?> end;
          try {
            end = body.get();
          } catch (RuntimeException | Error failed) {
            permit.close();
            throw failed;
          }
          end.whenComplete((v, failed) -> permit.close());
        });
      } catch (RejectedExecutionException r) {
        permit.close();
        call.onError(Statuses.shuttingDown());
      }
    });
  }
}
