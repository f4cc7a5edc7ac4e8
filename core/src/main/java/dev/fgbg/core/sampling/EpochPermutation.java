package dev.fgbg.core.sampling;

import dev.fgbg.core.synth.PlacementRng;

/**
 * A keyed bijection of [0, N): a balanced Feistel network over the smallest even-bit power of
 * two that holds N, with cycle walking back into range. O(1) memory, O(1) random access, so any
 * position of any epoch can be looked up directly (resume, shards).
 */
public final class EpochPermutation implements IndexSequence {
  private static final int ROUNDS = 6;

  private final long size;
  private final boolean identity;
  private final int halfBits;
  private final long halfMask;
  private final long[] keys = new long[ROUNDS];

  public EpochPermutation(long size, long seed, long epoch, boolean shuffle) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
    this.size = size;
    this.identity = !shuffle || size == 1;
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(size - 1));
    bits += bits & 1;
    this.halfBits = bits / 2;
    this.halfMask = (1L << halfBits) - 1;
    long k = PlacementRng.mix(PlacementRng.mix(seed ^ 0x5DEECE66DL) + PlacementRng.mix(~epoch));
    for (int r = 0; r < ROUNDS; r++) {
      k = PlacementRng.mix(k + 0x9E3779B97F4A7C15L);
      keys[r] = k;
    }
  }

  @Override
  public long size() {
    return size;
  }

  /** The dataset index at epoch position {@code position}. */
  @Override
  public long indexAt(long position) {
    if (position < 0 || position >= size) {
      throw new IndexOutOfBoundsException("position " + position + " outside [0, " + size + ")");
    }
    if (identity) {
      return position;
    }
    long x = position;
    do {
      x = encrypt(x);
    } while (x >= size);
    return x;
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (int r = 0; r < ROUNDS; r++) {
      long f = PlacementRng.mix(right ^ keys[r]) & halfMask;
      long next = left ^ f;
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }
}
