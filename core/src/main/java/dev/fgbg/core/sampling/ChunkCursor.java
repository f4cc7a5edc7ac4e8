package dev.fgbg.core.sampling;

import java.util.NoSuchElementException;

/**
 * Walks an {@link EpochPlan} as chunks of at most {@code maxChunkSamples}, so that no message
 * exceeds the size limit whatever the batch size. Not thread-safe; one per stream.
 */
public final class ChunkCursor {
  private final EpochPlan plan;
  private final int maxChunk;
  private final long end;
  private long next;

  public ChunkCursor(EpochPlan plan, int maxChunkSamples) {
    if (maxChunkSamples < 1) {
      throw new IllegalArgumentException("maxChunkSamples must be positive");
    }
    this.plan = plan;
    this.maxChunk = maxChunkSamples;
    this.next = plan.firstLocal();
    this.end = plan.firstLocal() + plan.count();
  }

  public boolean hasNext() {
    return next < end;
  }

  /** Samples in the chunk {@link #next()} will return (0 when there is none). */
  public int nextCount() {
    if (!hasNext()) {
      return 0;
    }
    long batchStart = plan.batchOf(next) * plan.batchSize();
    long batchEnd = Math.min(end, batchStart + plan.batchSize());
    return (int) Math.min(maxChunk, batchEnd - next);
  }

  public Chunk next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    long batch = plan.batchOf(next);
    long batchStart = batch * plan.batchSize();
    long batchEnd = Math.min(end, batchStart + plan.batchSize());
    long firstSent = Math.max(batchStart, plan.firstLocal());
    int chunks = (int) ((batchEnd - firstSent + maxChunk - 1) / maxChunk);
    int chunkIndex = (int) ((next - firstSent) / maxChunk);
    int n = (int) Math.min(maxChunk, batchEnd - next);
    Chunk c = new Chunk(batch, chunkIndex, chunks, next, n);
    next += n;
    return c;
  }
}
