/**
 * Epoch order and sharding: a keyed bijection of [0, N) per (seed, epoch) in O(1) memory, and
 * the plan of which global positions a rank streams, in which batches and chunks.
 */
package dev.fgbg.core.sampling;
