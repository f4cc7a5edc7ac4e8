package dev.fgbg.core.depth;

/**
 * One model's cache and batcher counters at one moment, as Caffeine's {@code CacheStats}: taken
 * once by {@link DepthStats#snapshot} and read by logs, the ServerStats RPC and metrics; the means
 * are computed from its own fields, never from counters read apart.
 *
 * @param storeHits maps read from the depth store (computed ahead by the Spark depth job)
 * @param storeDamaged depth store records found unusable (computed by the model instead)
 * @param runs model invocations (batches)
 * @param inferred images inferred (sum of batch sizes)
 * @param withdrawn requests withdrawn from the batcher before the model took them, every caller
 *     of theirs having gone (a cancelled stream, or a piece dropped under memory pressure,
 *     rendered again later and then counted as a miss again): not inferred, not cached
 * @param queued requests the model was given, counted as their queue delay is: the mean delay
 *     is over these, not over {@code inferred}, which grows only once their batch has run
 * @param queueDelayNanos the queue delays of the requests the model was given, summed
 * @param diskFull maps the disk tier could not write for a full disk, even after evicting
 */
public record DepthCounts(long memoryHits, long diskHits, long storeHits, long misses,
    long diskCorrupt, long storeDamaged, long runs, long inferred, long withdrawn,
    long maxBatchSeen, long queued, long queueDelayNanos, long maxQueueDelayNanos,
    long rejected, long inferenceNanos, long diskFull) {

  public double meanBatch() {
    return runs == 0 ? 0 : (double) inferred / runs;
  }

  public double meanQueueDelayMillis() {
    return queued == 0 ? 0 : queueDelayNanos / 1e6 / queued;
  }

  public double maxQueueDelayMillis() {
    return maxQueueDelayNanos / 1e6;
  }

  public double inferenceSeconds() {
    return inferenceNanos / 1e9;
  }

  @Override
  public String toString() {
    return String.format("memory hits %d, disk hits %d, store hits %d, misses %d, corrupt disk "
            + "records %d, inferences %d in %d runs (mean batch %.1f, max %d), queue delay "
            + "mean %.1f ms max %.1f ms, rejected %d, withdrawn %d", memoryHits, diskHits,
        storeHits, misses, diskCorrupt, inferred, runs, meanBatch(), maxBatchSeen,
        meanQueueDelayMillis(), maxQueueDelayMillis(), rejected, withdrawn);
  }
}
