package dev.fgbg.server.observe;

/**
 * The stream and admission counters at one moment, as Caffeine's {@code CacheStats}: taken once
 * by {@link StreamCounter#snapshot} and read by ServerStats, tests and benchmarks, so the
 * numbers of one report belong together.
 *
 * @param chunksProduced chunks rendered (sent or waiting to be sent)
 * @param readyWaits times a stream paused because its client was not reading (gRPC flow control)
 * @param budgetWaits times a stream with nothing rendered waited in the memory budget's queue
 * @param budgetHoldBacks times a stream rendered less far ahead than its window because the
 *     budget was taken
 * @param queueDrops queued Stats or Export requests dropped without running (cancelled or
 *     expired)
 * @param admittedStarts Stats and Export requests that were admitted and started running
 * @param slotWaits times a shared-memory stream found its next slot still held by the client
 * @param renderedDropped pieces rendered ahead for a client that was not reading and given back
 *     to the budget for someone waiting (rendered again when that client reads)
 */
public record StreamCounts(long streamsStarted, long streamsCancelled, long chunksProduced,
    long chunksSent, long samplesSent, long readyWaits, long budgetWaits, long budgetHoldBacks,
    long queueDrops, long admittedStarts, long slotWaits, long ringsAccepted, long ringsRefused,
    long renderedDropped) {
}
