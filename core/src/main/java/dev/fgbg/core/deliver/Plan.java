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
   * Cuts the plan into pieces of at most a given size that never cross a batch: a batch's cut
   * is decided when its first piece is taken, so every piece of it says the same chunk count.
   * Not thread-safe.
   */
  final class Cursor {
    private final long end = first + count;
    private long next = first;
    private long seq;
    private long batch = -1;
    private int cut;

    boolean hasNext() {
      return next < end;
    }

    long nextSeq() {
      return seq;
    }

    /** Samples the next piece holds when pieces of this batch may have {@code max}. */
    int peek(int max) {
      long b = next / batchSize;
      long batchEnd = Math.min(end, (b + 1) * batchSize);
      return (int) Math.min(b == batch ? cut : cutFor(b, max), batchEnd - next);
    }

    Piece next(int max) {
      long b = next / batchSize;
      long batchEnd = Math.min(end, (b + 1) * batchSize);
      long firstSent = firstSent(b);
      if (b != batch) {
        batch = b;
        cut = cutFor(b, max);
      }
      int chunks = (int) ((batchEnd - firstSent + cut - 1) / cut);
      int n = (int) Math.min(cut, batchEnd - next);
      long[] indices = new long[n];
      for (int s = 0; s < n; s++) {
        indices[s] = order.indexAt(position.applyAsLong(next + s));
      }
      Piece p = new Piece(seq++, b, (int) ((next - firstSent) / cut), chunks, next, n,
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
        cut = (int) ((p.local() - firstSent(p.batch())) / p.chunkIndex());
      }
    }

    private long firstSent(long b) {
      return Math.max(b * batchSize, first);
    }

    private int cutFor(long b, int max) {
      long batchEnd = Math.min(end, (b + 1) * batchSize);
      return (int) Math.max(1, Math.min(max, batchEnd - firstSent(b)));
    }
  }
}
