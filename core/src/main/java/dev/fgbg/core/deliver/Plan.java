package dev.fgbg.core.deliver;

import dev.fgbg.core.sampling.EpochPlan;
import dev.fgbg.core.sampling.IndexSequence;
import java.util.function.LongUnaryOperator;

/**
 * What a request covers, as the delivery walks it: local samples {@code [first, first + count)}
 * in batches of {@code batchSize} (counted from local 0), local sample {@code j} standing at
 * position {@code position(j)} of {@code order}, whose index there is the sample rendered.
 * Immutable; {@link #cursor()} walks it.
 */
public final class Plan {
  private final IndexSequence order;
  private final LongUnaryOperator position;
  private final long first;
  private final long count;
  private final int batchSize;

  private Plan(IndexSequence order, LongUnaryOperator position, long first, long count,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    this.order = order;
    this.position = position;
    this.first = first;
    this.count = count;
    this.batchSize = batchSize;
  }

  /** One rank's share of an epoch walked in {@code order} (a permutation or a selection). */
  public static Plan epoch(EpochPlan plan, IndexSequence order) {
    return new Plan(order, plan::position, plan.firstLocal(), plan.count(), plan.batchSize());
  }

  /** Every position of {@code sequence} in order, in batches of {@code batchSize}. */
  public static Plan of(IndexSequence sequence, int batchSize) {
    return new Plan(sequence, p -> p, 0, sequence.size(), batchSize);
  }

  /** These indices, in this order, as one batch. */
  public static Plan of(long[] indices) {
    long[] copy = indices.clone();
    IndexSequence listed = new IndexSequence() {
      @Override
      public long size() {
        return copy.length;
      }

      @Override
      public long indexAt(long p) {
        return copy[(int) p];
      }
    };
    return new Plan(listed, p -> p, 0, copy.length, Math.max(1, copy.length));
  }

  /** The indices delivered, in delivery order (what a client of this plan receives). */
  public IndexSequence indices() {
    return new IndexSequence() {
      @Override
      public long size() {
        return count;
      }

      @Override
      public long indexAt(long p) {
        return order.indexAt(position.applyAsLong(first + p));
      }
    };
  }

  /** Samples delivered. */
  public long samples() {
    return count;
  }

  public int batchSize() {
    return batchSize;
  }

  Cursor cursor() {
    return new Cursor();
  }

  /**
   * Cuts the plan into pieces that never cross a batch: a batch's first piece may be smaller
   * than the rest (a stream's first message, before its client has read anything), and the
   * cut is decided when that first piece is taken, so every piece of the batch says the same
   * chunk count. Not thread-safe.
   */
  final class Cursor {
    private final long end = first + count;
    private long next = first;
    private long seq;
    private long batch = -1;
    private int chunkIndex;
    private int chunkCount;
    private int cut;

    boolean hasNext() {
      return next < end;
    }

    long nextSeq() {
      return seq;
    }

    /** Samples the next piece holds: see {@link #next}. */
    int peek(int firstMax, int max) {
      long b = next / batchSize;
      return (int) (b == batch ? Math.min(cut, batchEnd(b) - next)
          : clamp(firstMax, batchEnd(b) - next));
    }

    /**
     * The next piece: a batch's first piece has at most {@code firstMax} samples, the others at
     * most {@code max}.
     */
    Piece next(int firstMax, int max) {
      long b = next / batchSize;
      long batchEnd = batchEnd(b);
      int n;
      if (b != batch) {
        long left = batchEnd - next;
        batch = b;
        n = clamp(firstMax, left);
        cut = left > n ? clamp(max, left - n) : 1;
        chunkCount = 1 + (int) ((left - n + cut - 1) / cut);
        chunkIndex = 0;
      } else {
        n = (int) Math.min(cut, batchEnd - next);
      }
      long[] indices = new long[n];
      for (int s = 0; s < n; s++) {
        indices[s] = order.indexAt(position.applyAsLong(next + s));
      }
      Piece p = new Piece(seq++, b, chunkIndex++, chunkCount, next, n,
          position.applyAsLong(next), indices);
      next += n;
      return p;
    }

    /** Goes back to {@code p}, which is taken again next, cut as before when mid-batch. */
    void rewind(Piece p) {
      next = p.local();
      seq = p.seq();
      if (p.chunkIndex() == 0) {
        batch = -1;
      } else {
        batch = p.batch();
        chunkIndex = p.chunkIndex();
        chunkCount = p.chunkCount();
        cut = p.count(); // every piece after the first has the cut, but perhaps the last
      }
    }

    private long batchEnd(long b) {
      return Math.min(end, (b + 1) * batchSize);
    }

    private static int clamp(int max, long left) {
      return (int) Math.max(1, Math.min(max, left));
    }
  }
}
