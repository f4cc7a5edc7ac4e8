package dev.fgbg.core.assets.builtin;

import dev.fgbg.core.synth.PlacementRng;

/** Deterministic draws for building the world: a keyed counter, never shared mutable state. */
final class WorldRandom {
  private final long key;
  private int counter;

  WorldRandom(long key) {
    this.key = PlacementRng.mix(key * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL);
  }

  double next() {
    return (PlacementRng.mix(key + (++counter) * 0xD1B54A32D192ED03L) >>> 11) * 0x1.0p-53;
  }

  double range(double lo, double hi) {
    return lo + (hi - lo) * next();
  }

  int below(int n) {
    return (int) (next() * n);
  }

  boolean chance(double p) {
    return next() < p;
  }

  /** A stable hash in [0, 1) of integer coordinates, for textures. */
  static double hash(long a, long b, long c) {
    long h = PlacementRng.mix(a * 0x9E3779B97F4A7C15L ^ PlacementRng.mix(b + 0x632BE59BD9B4E019L)
        ^ PlacementRng.mix(c * 31 + 0x5851F42D4C957F2DL));
    return (h >>> 11) * 0x1.0p-53;
  }
}
