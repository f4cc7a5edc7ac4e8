package dev.fgbg.core.epoch;

import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.sampling.Chunk;

/**
 * One rendered message's worth of an epoch.
 *
 * @param firstPosition global epoch position of the chunk's first sample
 */
public record RenderedChunk(Chunk chunk, long firstPosition, RenderedBatch batch) {}
