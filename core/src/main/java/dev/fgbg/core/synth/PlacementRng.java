package dev.fgbg.core.synth;

/**
 * Counter-based random numbers: draw {@code j} for sample {@code index} under {@code seed} is a
 * fixed hash of (seed, index, j). No state is shared or advanced, so a sample's placement never
 * depends on which thread, batch or client produced it.
 *
 * <p>The hash is the SplitMix64 finalizer, applied to the key and counter in turn.
 */
public final class PlacementRng {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final long stream;

  public PlacementRng(long seed, long index) {
    this.stream = mix(mix(seed ^ GOLDEN) + mix(index + 0x632BE59BD9B4E019L));
  }

  /** 64 random bits for draw {@code j}. */
  public long bits(int j) {
    return mix(stream + (j + 1L) * GOLDEN);
  }

  /** A uniform double in [0, 1) for draw {@code j}. */
  public double uniform(int j) {
    return (bits(j) >>> 11) * 0x1.0p-53;
  }

  /** A uniform int in [0, n) for draw {@code j}; n must be positive. */
  public int below(int j, int n) {
    return (int) ((bits(j) >>> 1) % n);
  }

  /** SplitMix64's finalizer: a bijective 64-bit mix with good avalanche. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
