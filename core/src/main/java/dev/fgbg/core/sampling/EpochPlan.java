package dev.fgbg.core.sampling;

import dev.fgbg.core.FgbgException;

/**
 * Which epoch positions one rank streams, and how they fall into batches.
 *
 * <p>Positions from {@code startPosition} on are dealt round-robin: rank r of w takes
 * {@code startPosition + r + j·w} for j = 0, 1, …, so the union over ranks is the global order
 * whatever w is. With {@code dropLast} every rank takes the same whole number of batches,
 * {@code ⌊⌊(N − start)/w⌋ / B⌋}, and the remainder is left out. {@code startBatch} skips
 * that many of the rank's batches; {@code limit} caps the samples sent.
 */
public final class EpochPlan {
  /** Largest accepted batch_size. */
  public static final int MAX_BATCH_SIZE = 4096;
  public static final int MAX_WORLD_SIZE = 1 << 16;

  private final long size;
  private final int rank;
  private final int worldSize;
  private final long startPosition;
  private final int batchSize;
  private final long firstLocal;
  private final long count;

  /** Validates the request fields, naming the first one that is wrong. */
  public EpochPlan(long size, int batchSize, int rank, int worldSize, long startPosition,
      long startBatch, boolean dropLast, long limit) {
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw FgbgException.invalidArgument("batch_size " + batchSize + " must be in [1, "
          + MAX_BATCH_SIZE + "]");
    }
    if (worldSize < 1 || worldSize > MAX_WORLD_SIZE) {
      throw FgbgException.invalidArgument("world_size " + worldSize + " must be in [1, "
          + MAX_WORLD_SIZE + "]");
    }
    if (rank < 0 || rank >= worldSize) {
      throw FgbgException.invalidArgument("rank " + rank + " must be in [0, world_size "
          + worldSize + ")");
    }
    if (startPosition < 0 || startPosition > size) {
      throw FgbgException.invalidArgument("start_position " + startPosition + " must be in [0, "
          + size + "]");
    }
    if (startBatch < 0) {
      throw FgbgException.invalidArgument("start_batch " + startBatch + " must not be negative");
    }
    if (limit < 0) {
      throw FgbgException.invalidArgument("limit " + limit + " must not be negative");
    }
    this.size = size;
    this.rank = rank;
    this.worldSize = worldSize;
    this.startPosition = startPosition;
    this.batchSize = batchSize;
    long remaining = size - startPosition;
    long rankTotal;
    if (dropLast) {
      long per = remaining / worldSize;
      rankTotal = per - per % batchSize;
    } else {
      rankTotal = remaining > rank ? (remaining - rank + worldSize - 1) / worldSize : 0;
    }
    long batches = (rankTotal + batchSize - 1) / batchSize;
    if (startBatch > batches) {
      throw FgbgException.invalidArgument("start_batch " + startBatch + " is past the end: rank "
          + rank + " has " + batches + " batches of " + batchSize + " in this epoch");
    }
    this.firstLocal = Math.min(rankTotal, startBatch * batchSize);
    long left = rankTotal - firstLocal;
    this.count = limit > 0 ? Math.min(limit, left) : left;
  }

  /** Samples this rank sends. */
  public long count() {
    return count;
  }

  public int batchSize() {
    return batchSize;
  }

  /** The rank-local number of the first sample sent (start_batch × batch_size). */
  public long firstLocal() {
    return firstLocal;
  }

  /** The epoch position of rank-local sample {@code local}. */
  public long position(long local) {
    return startPosition + rank + local * worldSize;
  }

  /** The batch that rank-local sample {@code local} belongs to. */
  public long batchOf(long local) {
    return local / batchSize;
  }

  public long datasetSize() {
    return size;
  }
}
