/**
 * Pure functions that turn (assets, spec, seed, index) into sample bytes: the index codec, the
 * counter-based placement generator, resampling, half floats and the compositor. Nothing here
 * holds mutable shared state or knows about any transport.
 */
package dev.fgbg.core.synth;
