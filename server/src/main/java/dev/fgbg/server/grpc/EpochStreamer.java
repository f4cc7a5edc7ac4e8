package dev.fgbg.server.grpc;

import dev.fgbg.core.epoch.EpochSource;
import dev.fgbg.core.epoch.RenderedChunk;
import dev.fgbg.v1.SampleBatch;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Sends one epoch stream under gRPC flow control.
 *
 * <p>Chunks are pulled from the core's {@link EpochSource}, at most {@code window} in flight,
 * and sent in order only while the call {@code isReady()}. A slow reader therefore holds at most
 * {@code window} rendered chunks plus what the transport buffers; a cancelled or expired call
 * cancels the source at once (renders under way stop between samples).
 */
final class EpochStreamer {
  private final ServerCallStreamObserver<SampleBatch> call;
  private final EpochSource source;
  private final Function<RenderedChunk, SampleBatch> toMessage;
  private final Executor pool;
  private final int window;
  private final StreamStats stats;
  private final ArrayDeque<CompletableFuture<RenderedChunk>> inflight = new ArrayDeque<>();
  private boolean done;

  /**
   * @param pool where completions re-enter {@link #pump()} (never the caller's thread, which may
   *     hold the monitor)
   */
  EpochStreamer(ServerCallStreamObserver<SampleBatch> call, EpochSource source,
      Function<RenderedChunk, SampleBatch> toMessage, Executor pool, int window,
      StreamStats stats) {
    this.call = call;
    this.source = source;
    this.toMessage = toMessage;
    this.pool = pool;
    this.window = Math.max(1, window);
    this.stats = stats;
  }

  /** Installs the handlers; must run inside the service method. */
  void start() {
    stats.started();
    call.setOnCancelHandler(this::onCancel);
    call.setOnReadyHandler(this::pump);
    pump();
  }

  private void onCancel() {
    stats.cancelled();
    stop();
  }

  private synchronized void stop() {
    done = true;
    source.cancel();
    for (CompletableFuture<RenderedChunk> f : inflight) {
      f.cancel(false);
    }
    inflight.clear();
  }

  synchronized void pump() {
    if (done) {
      return;
    }
    try {
      while (true) {
        while (inflight.size() < window && source.hasNext()) {
          CompletableFuture<RenderedChunk> f = source.next().thenApply(c -> {
            stats.produced();
            return c;
          });
          inflight.add(f);
          f.whenCompleteAsync((r, e) -> pump(), pool);
        }
        CompletableFuture<RenderedChunk> head = inflight.peek();
        if (head == null) {
          done = true;
          call.onCompleted();
          return;
        }
        if (!head.isDone()) {
          return; // resumed by the render's completion
        }
        if (!call.isReady()) {
          stats.waitedForReady();
          return; // resumed by onReady
        }
        inflight.poll();
        SampleBatch batch = toMessage.apply(head.join());
        call.onNext(batch);
        stats.sent(batch.getIndicesCount());
      }
    } catch (RuntimeException e) {
      stop();
      call.onError(Statuses.toStatus(e));
    }
  }
}
