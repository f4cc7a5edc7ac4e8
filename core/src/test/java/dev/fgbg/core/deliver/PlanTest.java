package dev.fgbg.core.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.sampling.EpochPlan;
import dev.fgbg.core.sampling.IndexSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
  /** Batch, chunk index, chunk count, first local, count. */
  private static long[] shape(Piece p) {
    return new long[] {p.batch(), p.chunkIndex(), p.chunkCount(), p.local(), p.count()};
  }

  private static void assertPieces(List<Piece> got, long[]... want) {
    assertEquals(want.length, got.size());
    for (int i = 0; i < want.length; i++) {
      assertArrayEquals(want[i], shape(got.get(i)), "piece " + i);
      assertEquals(i, got.get(i).seq());
    }
  }

  @Test
  void splitsBatchesIntoNumberedPiecesCoveringEverySample() {
    Plan plan = Plan.epoch(new EpochPlan(25, 10, 0, 1, 0, 0, false, 0),
        new EpochPermutation(25, 1, 0, false));
    // batches of 10, 10, 5 -> pieces 4+4+2, 4+4+2, 4+1
    assertPieces(Deliveries.pieces(plan, 4),
        new long[] {0, 0, 3, 0, 4}, new long[] {0, 1, 3, 4, 4}, new long[] {0, 2, 3, 8, 2},
        new long[] {1, 0, 3, 10, 4}, new long[] {1, 1, 3, 14, 4}, new long[] {1, 2, 3, 18, 2},
        new long[] {2, 0, 2, 20, 4}, new long[] {2, 1, 2, 24, 1});
  }

  @Test
  void resumedAndLimitedPlansCutFromTheirStart() {
    Plan plan = Plan.epoch(new EpochPlan(100, 10, 0, 1, 0, 2, false, 13),
        new EpochPermutation(100, 1, 0, false));
    assertPieces(Deliveries.pieces(plan, 100), new long[] {2, 0, 1, 20, 10},
        new long[] {3, 0, 1, 30, 3});
  }

  @Test
  void aBatchsFirstPieceMayBeSmallerAndARewoundPieceIsCutAsBefore() {
    Plan.Cursor c = Plan.of(IndexSequence.range(100, 120), 10).cursor();
    Piece a = c.next(1, 4); // batch 0: 1 + 4 + 4 + 1
    assertArrayEquals(new long[] {0, 0, 4, 0, 1}, shape(a));
    Piece b = c.next(1, 8); // mid-batch, the batch's cut stays
    assertArrayEquals(new long[] {0, 1, 4, 1, 4}, shape(b));
    assertArrayEquals(new long[] {101, 102, 103, 104}, b.indices());
    Piece third = c.next(1, 4);
    c.rewind(b);
    assertArrayEquals(shape(b), shape(c.next(9, 9)), "a rewound piece is cut as before");
    assertArrayEquals(shape(third), shape(c.next(9, 9)));
    Piece last = c.next(9, 9);
    assertArrayEquals(new long[] {0, 3, 4, 9, 1}, shape(last));
    assertArrayEquals(new long[] {1, 0, 2, 10, 8}, shape(c.next(8, 8)), "a new batch, cut anew");
    c.rewind(last);
    assertArrayEquals(shape(last), shape(c.next(2, 2)));
    assertEquals(4, c.nextSeq());
    assertArrayEquals(new long[] {1, 0, 4, 10, 3}, shape(c.next(3, 3)),
        "a batch none of whose pieces went out is cut afresh");
  }

  @Test
  void givenIndicesAreOneBatchInTheirOrder() {
    List<Piece> pieces = Deliveries.pieces(Plan.of(new long[] {7, 3, 9}), 2);
    assertArrayEquals(new long[] {7, 3}, pieces.get(0).indices());
    assertArrayEquals(new long[] {9}, pieces.get(1).indices());
    assertEquals(2, pieces.get(1).local());
    assertFalse(pieces.get(0).chunkCount() != 2);
  }
}
