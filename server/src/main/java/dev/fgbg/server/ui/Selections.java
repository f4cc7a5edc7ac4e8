package dev.fgbg.server.ui;

import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.sampling.EpochPlan;
import dev.fgbg.core.sampling.IndexSequence;
import dev.fgbg.core.synth.IndexCodec;

/**
 * The grid's orders, as {@link IndexSequence}s built from the core's index formula and epoch
 * permutation: a filtered sub-space in index order, a seeded shuffle of it, a stratified walk
 * through it, and one rank's epoch (what a trainer sees, in the order it sees it).
 */
final class Selections {
  private Selections() {}

  /**
   * The samples whose factors are in the given lists (each sorted, without repeats), in index
   * order: a product of factor lists, walked in mixed radix with k fastest, as the formula is.
   */
  static IndexSequence filter(IndexCodec codec, int[] bgs, int[] fgs, int[] flips, int[] ks) {
    long size = (long) bgs.length * fgs.length * flips.length * ks.length;
    return new IndexSequence() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public long indexAt(long position) {
        long p = position;
        int k = ks[(int) (p % ks.length)];
        p /= ks.length;
        int flip = flips[(int) (p % flips.length)];
        p /= flips.length;
        int fg = fgs[(int) (p % fgs.length)];
        p /= fgs.length;
        return codec.encode(bgs[(int) p], fg, flip, k);
      }
    };
  }

  /** {@code s} shuffled by the epoch permutation keyed by {@code seed} (epoch 0). */
  static IndexSequence random(IndexSequence s, long seed) {
    if (s.size() < 2) {
      return s;
    }
    EpochPermutation order = new EpochPermutation(s.size(), seed, 0, true);
    return new IndexSequence() {
      @Override
      public long size() {
        return s.size();
      }

      @Override
      public long indexAt(long position) {
        return s.indexAt(order.indexAt(position));
      }
    };
  }

  /**
   * {@code s} cut into {@code strata} runs of (nearly) equal length, in index order, so that each
   * run covers its share of backgrounds and cut-outs; position {@code j·strata + t} is the j-th
   * sample of run t in a seeded shuffle of that run. Every page of {@code strata} samples is thus
   * one stratified sample, and paging on visits every sample once.
   */
  static IndexSequence stratified(IndexSequence s, int strata, long seed) {
    long m = s.size();
    if (m == 0) {
      return s;
    }
    int n = (int) Math.min(strata, m);
    long q = m / n;
    long r = m % n;
    return new IndexSequence() {
      @Override
      public long size() {
        return m;
      }

      @Override
      public long indexAt(long position) {
        long j = position / n;
        int t = (int) (position % n);
        long start = t * q + Math.min(t, r);
        long length = q + (t < r ? 1 : 0);
        return s.indexAt(start + new EpochPermutation(length, seed, t, true).indexAt(j));
      }
    };
  }

  /**
   * Rank {@code plan}'s share of an epoch in the order StreamEpoch sends it: position j is the
   * rank's j-th sample, the dataset index {@code order} puts at that epoch position.
   */
  static IndexSequence epoch(EpochPlan plan, EpochPermutation order) {
    return Plan.epoch(plan, order).indices();
  }
}
