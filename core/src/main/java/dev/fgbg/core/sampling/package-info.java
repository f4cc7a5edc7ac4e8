/**
 * Which indices a request covers and in which order: a keyed bijection of [0, N) per (seed,
 * epoch) in O(1) memory, the plan of which global positions a rank streams, in which batches and
 * chunks, and the {@link dev.fgbg.core.sampling.Selection} of Export, Stats and Gallery (range,
 * stride, seeded random subset), an {@link dev.fgbg.core.sampling.IndexSequence}.
 */
package dev.fgbg.core.sampling;
