package dev.fgbg.server.grpc;

import dev.fgbg.core.epoch.EpochSource;
import dev.fgbg.core.epoch.RenderedChunk;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.v1.SampleBatch;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Sends one epoch stream under gRPC flow control and the server's memory budget.
 *
 * <p>Chunks are pulled from the core's {@link EpochSource}, at most {@code window} in flight,
 * and sent in order only while the call {@code isReady()}. Every chunk's bytes are taken from the
 * {@link MemoryBudget} before it is rendered and given back once the transport has drained the
 * message (the call is ready again) or the stream ends. Rendering ahead is opportunistic: a
 * stream with chunks in hand only takes bytes that are free, and a stream with none waits in the
 * budget's queue without holding a thread. A cancelled or expired call cancels the source at once
 * (renders under way stop between samples).
 */
final class EpochStreamer {
  private static final Logger LOG = Logger.getLogger(EpochStreamer.class.getName());
  private record Pending(CompletableFuture<RenderedChunk> chunk, long bytes) {}

  private final ServerCallStreamObserver<SampleBatch> call;
  private final EpochSource source;
  private final Function<RenderedChunk, SampleBatch> toMessage;
  private final Executor lane;
  private final int window;
  private final MemoryBudget budget;
  private final StreamStats stats;
  private final Runnable onEnd;
  private final ArrayDeque<Pending> inflight = new ArrayDeque<>();
  private CompletableFuture<Void> budgetWait;
  private long waitBytes;
  private long granted;
  private long undrained;
  private boolean done;
  private long sent;

  /**
   * @param lane where renders run and completions re-enter {@link #pump()} (never the caller's
   *     thread, which may hold the monitor)
   * @param onEnd runs once when the stream ends, however it ends
   */
  EpochStreamer(ServerCallStreamObserver<SampleBatch> call, EpochSource source,
      Function<RenderedChunk, SampleBatch> toMessage, Executor lane, int window,
      MemoryBudget budget, StreamStats stats, Runnable onEnd) {
    this.call = call;
    this.source = source;
    this.toMessage = toMessage;
    this.lane = lane;
    this.window = Math.max(1, window);
    this.budget = budget;
    this.stats = stats;
    this.onEnd = onEnd;
  }

  /** Installs the handlers; must run inside the service method. */
  void start() {
    stats.started();
    call.setOnCancelHandler(this::onCancel);
    call.setOnReadyHandler(this::pump);
    pump();
  }

  private void onCancel() {
    // Cancelling is a client's right: one debug line, never a warning or a trace.
    LOG.fine(() -> "StreamEpoch cancelled by the client after " + sent + " messages");
    stop();
    stats.cancelled(); // after the bytes are given back, for whoever waits on the counter
  }

  private synchronized void stop() {
    if (done) {
      return;
    }
    source.cancel();
    for (Pending p : inflight) {
      p.chunk.cancel(false);
    }
    end();
  }

  /** Gives back every byte held and frees the stream's slot; the call is answered elsewhere. */
  private void end() {
    done = true;
    long held = granted + undrained;
    for (Pending p : inflight) {
      held += p.bytes;
    }
    inflight.clear();
    granted = 0;
    undrained = 0;
    if (budgetWait != null && !budgetWait.cancel(false)) {
      held += waitBytes; // granted, but the stream had not taken them up yet
    }
    budgetWait = null;
    budget.release(held);
    onEnd.run();
  }

  synchronized void pump() {
    if (done) {
      return;
    }
    try {
      while (true) {
        if (undrained > 0 && call.isReady()) {
          budget.release(undrained);
          undrained = 0;
        }
        fill();
        Pending head = inflight.peek();
        if (head == null) {
          if (budgetWait == null) {
            end();
            call.onCompleted();
          }
          return; // else resumed when the budget grants
        }
        if (!head.chunk.isDone()) {
          return; // resumed by the render's completion
        }
        if (!call.isReady()) {
          stats.waitedForReady();
          return; // resumed by onReady
        }
        inflight.poll();
        undrained += head.bytes; // held until the transport has drained the message
        SampleBatch batch = toMessage.apply(head.chunk.join());
        call.onNext(batch);
        sent++;
        stats.sent(batch.getIndicesCount());
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      // Out of memory, Statuses ends the process; the completions that call pump would
      // otherwise swallow the error.
      stop();
      call.onError(Statuses.toStatus(e));
    }
  }

  /** Starts renders while the window and the budget allow. */
  private void fill() {
    while (budgetWait == null && inflight.size() < window && source.hasNext()) {
      long bytes = Math.min(source.nextChunkBytes(), budget.capacity());
      if (granted > 0) {
        bytes = granted;
        granted = 0;
      } else if (!budget.tryAcquire(bytes)) {
        if (inflight.isEmpty()) {
          waitForBudget(bytes);
        } else {
          stats.budgetHeldBack();
        }
        return;
      }
      long start = System.nanoTime();
      CompletableFuture<RenderedChunk> f = source.next().thenApply(c -> {
        stats.produced();
        stats.rendered("StreamEpoch", start);
        return c;
      });
      inflight.add(new Pending(f, bytes));
      f.whenComplete((r, e) -> FatalErrors.check(e)); // even if a stalled reader never sends it
      f.whenCompleteAsync((r, e) -> pump(), lane);
    }
  }

  private void waitForBudget(long bytes) {
    stats.waitedForBudget();
    CompletableFuture<Void> wait = budget.acquire(bytes);
    budgetWait = wait;
    waitBytes = bytes;
    wait.whenCompleteAsync((v, e) -> granted(wait), lane);
  }

  private synchronized void granted(CompletableFuture<Void> wait) {
    if (wait != budgetWait) {
      return; // the stream ended first: cancelled, or the grant was given back by end()
    }
    budgetWait = null;
    granted = waitBytes;
    pump();
  }
}
