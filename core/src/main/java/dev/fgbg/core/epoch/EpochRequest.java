package dev.fgbg.core.epoch;

/**
 * What a trainer asks of one epoch (see {@link dev.fgbg.core.sampling.EpochPlan} for how the
 * positions are dealt to ranks). Validated by {@link Epochs#plan}.
 *
 * @param worldSize ranks sharing the epoch (at least 1)
 * @param startPosition global epoch position this run starts from
 * @param startBatch batches of this rank to skip
 * @param limit at most this many samples for this rank; 0 means no limit
 */
public record EpochRequest(long seed, long epoch, boolean shuffle, int batchSize, int rank,
    int worldSize, long startPosition, long startBatch, boolean dropLast, long limit) {}
