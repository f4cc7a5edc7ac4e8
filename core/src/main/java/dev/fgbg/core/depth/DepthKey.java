package dev.fgbg.core.depth;

/** A cached depth map: which dataset (by fingerprint), which seed, which sample. */
public record DepthKey(String fingerprint, long seed, long index) {}
