/**
 * The procedurally generated built-in world: ray-cast rooms and outdoor scenes with exact depth,
 * and vector-drawn foreground cut-outs. Everything is a pure function of an index, drawn from
 * {@link WorldRandom}; golden digests pin every byte, so the order of draws and every
 * floating-point expression here is part of the format. {@code BuiltinWorld} in the parent
 * package is the way in.
 */
package dev.fgbg.core.assets.builtin;
