package dev.fgbg.core.epoch;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.sampling.Chunk;
import dev.fgbg.core.sampling.ChunkCursor;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.sampling.EpochPlan;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One rank's epoch of a dataset as a sequence of chunks, each rendered on demand on the worker
 * pool. {@link #next()} starts rendering the next chunk and returns its future, completed when
 * the chunk's depth is; the caller decides how many to keep in flight. After {@link #cancel()}
 * renders stop between samples and their futures complete with a CancellationException.
 */
public final class EpochSource {
  private final Dataset dataset;
  private final long seed;
  private final EpochPlan plan;
  private final EpochPermutation order;
  private final ChunkCursor cursor;
  private final Outputs outputs;
  private final DepthEncoding encoding;
  private final Executor workers;
  private volatile boolean cancelled;

  private EpochSource(Dataset dataset, EpochRequest r, EpochPlan plan, Outputs outputs,
      DepthEncoding encoding, int maxChunkSamples, Executor workers) {
    this.dataset = dataset;
    this.seed = r.seed();
    this.plan = plan;
    this.order = new EpochPermutation(dataset.size(), r.seed(), r.epoch(), r.shuffle());
    this.cursor = new ChunkCursor(plan, maxChunkSamples);
    this.outputs = outputs;
    this.encoding = encoding;
    this.workers = workers;
  }

  /**
   * Opens rank {@code r.rank()}'s part of the epoch; a bad request field is an INVALID_ARGUMENT
   * naming it.
   *
   * @param maxChunkSamples most samples per chunk (a message-size bound)
   */
  public static EpochSource open(Dataset dataset, EpochRequest r, Outputs outputs,
      DepthEncoding encoding, int maxChunkSamples, Executor workers) {
    EpochPlan plan = new EpochPlan(dataset.size(), r.batchSize(), r.rank(), r.worldSize(),
        r.startPosition(), r.startBatch(), r.dropLast(), r.limit());
    return new EpochSource(dataset, r, plan, outputs, encoding, maxChunkSamples, workers);
  }

  public Dataset dataset() {
    return dataset;
  }

  public Outputs outputs() {
    return outputs;
  }

  /** Samples this rank will receive. */
  public long samples() {
    return plan.count();
  }

  public synchronized boolean hasNext() {
    return !cancelled && cursor.hasNext();
  }

  /** Bytes the next chunk's render will allocate ({@link Renderer#arrayBytes}); 0 at the end. */
  public synchronized long nextChunkBytes() {
    return Renderer.arrayBytes(dataset, cursor.nextCount(), outputs, encoding);
  }

  /** Starts rendering the next chunk on the worker pool. */
  public CompletableFuture<RenderedChunk> next() {
    Chunk chunk;
    synchronized (this) {
      chunk = cursor.next();
    }
    long[] indices = new long[chunk.count()];
    for (int s = 0; s < indices.length; s++) {
      indices[s] = order.indexAt(plan.position(chunk.localStart() + s));
    }
    long first = plan.position(chunk.localStart());
    return CompletableFuture.supplyAsync(() -> Renderer.render(dataset, seed, indices, outputs,
            encoding, this::isCancelled), workers)
        .thenCompose(Function.identity())
        .thenApply(b -> new RenderedChunk(chunk, first, b));
  }

  /** Stops the epoch: no further chunks, and renders under way stop between samples. */
  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }
}
