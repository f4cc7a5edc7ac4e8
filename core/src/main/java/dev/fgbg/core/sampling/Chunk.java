package dev.fgbg.core.sampling;

/**
 * One message's worth of a batch: rank-local samples [localStart, localStart + count) of batch
 * {@code batchIndex}, which is split into {@code chunkCount} messages.
 */
public record Chunk(long batchIndex, int chunkIndex, int chunkCount, long localStart, int count) {}
