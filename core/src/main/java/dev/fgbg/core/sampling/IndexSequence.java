package dev.fgbg.core.sampling;

import dev.fgbg.core.FgbgException;

/**
 * An ordered run of dataset indices: position {@code p} in {@code [0, size())} holds index
 * {@link #indexAt(long) indexAt(p)}. What a request covers (a rank's share of an epoch, a range,
 * a seeded subset) is one of these, so whatever renders and delivers samples walks positions and
 * never needs to know which kind it has. Implementations are immutable and thread-safe.
 */
public interface IndexSequence {

  /** Positions in the sequence. */
  long size();

  /** The dataset index at {@code position}, which the caller keeps in {@code [0, size())}. */
  long indexAt(long position);

  /** Positions {@code [from, to)} of this sequence, which the caller keeps in range. */
  default IndexSequence slice(long from, long to) {
    IndexSequence whole = this;
    return new IndexSequence() {
      @Override
      public long size() {
        return to - from;
      }

      @Override
      public long indexAt(long position) {
        return whole.indexAt(from + position);
      }

      @Override
      public String toString() {
        return whole + "[" + from + ":" + to + "]";
      }
    };
  }

  /** The indices {@code [start, end)} in ascending order. */
  static IndexSequence range(long start, long end) {
    if (start < 0 || end < start) {
      throw FgbgException.invalidArgument("range " + start + ":" + end
          + " must have 0 <= start <= end");
    }
    return new IndexSequence() {
      @Override
      public long size() {
        return end - start;
      }

      @Override
      public long indexAt(long position) {
        return start + position;
      }

      @Override
      public String toString() {
        return start + ":" + end;
      }
    };
  }
}
