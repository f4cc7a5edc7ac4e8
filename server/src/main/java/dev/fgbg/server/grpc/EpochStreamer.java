package dev.fgbg.server.grpc;

import dev.fgbg.server.sampling.Chunk;
import dev.fgbg.server.sampling.ChunkCursor;
import dev.fgbg.v1.SampleBatch;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Sends one epoch stream under gRPC flow control.
 *
 * <p>Chunks are rendered ahead on the shared worker pool, at most {@code window} at a time, and
 * sent in order only while the call {@code isReady()}. A slow reader therefore holds at most
 * {@code window} rendered chunks plus what the transport buffers; a cancelled or expired call
 * stops rendering at once (in-flight renders check the flag between samples).
 */
final class EpochStreamer {
  /** Renders one chunk (the future may complete later, e.g. for model depth); null if cancelled. */
  interface ChunkRenderer {
    CompletableFuture<SampleBatch> render(Chunk chunk, BooleanSupplier cancelled);
  }

  private final ServerCallStreamObserver<SampleBatch> call;
  private final ChunkCursor cursor;
  private final ChunkRenderer renderer;
  private final Executor pool;
  private final int window;
  private final StreamStats stats;
  private final ArrayDeque<CompletableFuture<SampleBatch>> inflight = new ArrayDeque<>();
  private volatile boolean cancelled;
  private boolean done;

  EpochStreamer(ServerCallStreamObserver<SampleBatch> call, ChunkCursor cursor,
      ChunkRenderer renderer, Executor pool, int window, StreamStats stats) {
    this.call = call;
    this.cursor = cursor;
    this.renderer = renderer;
    this.pool = pool;
    this.window = Math.max(1, window);
    this.stats = stats;
  }

  /** Installs the handlers; must run inside the service method. */
  void start() {
    stats.streamsStarted.incrementAndGet();
    call.setOnCancelHandler(this::onCancel);
    call.setOnReadyHandler(this::pump);
    pump();
  }

  private void onCancel() {
    cancelled = true;
    stats.streamsCancelled.incrementAndGet();
    synchronized (this) {
      done = true;
      for (CompletableFuture<SampleBatch> f : inflight) {
        f.cancel(false);
      }
      inflight.clear();
    }
  }

  private synchronized void pump() {
    if (done) {
      return;
    }
    try {
      while (true) {
        while (inflight.size() < window && cursor.hasNext() && !cancelled) {
          Chunk chunk = cursor.next();
          CompletableFuture<SampleBatch> f = CompletableFuture.supplyAsync(
              () -> renderer.render(chunk, () -> cancelled), pool)
              .thenCompose(x -> x)
              .thenApply(b -> {
                stats.chunksProduced.incrementAndGet();
                return b;
              });
          inflight.add(f);
          // Always re-enter through the pool: the monitor is held here.
          f.whenCompleteAsync((r, e) -> pump(), pool);
        }
        if (cancelled) {
          return;
        }
        CompletableFuture<SampleBatch> head = inflight.peek();
        if (head == null) {
          done = true;
          call.onCompleted();
          return;
        }
        if (!head.isDone() || !call.isReady()) {
          return; // resumed by the render's completion or by onReady
        }
        inflight.poll();
        SampleBatch batch = head.join();
        if (batch == null) {
          return;
        }
        call.onNext(batch);
        stats.chunksSent.incrementAndGet();
        stats.samplesSent.addAndGet(batch.getIndicesCount());
      }
    } catch (RuntimeException e) {
      done = true;
      cancelled = true;
      for (CompletableFuture<SampleBatch> f : inflight) {
        f.cancel(false);
      }
      inflight.clear();
      call.onError(Statuses.toStatus(e));
    }
  }
}
