package dev.fgbg.core.epoch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.deliver.Deliveries;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.sampling.EpochPermutation;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochsTest {
  private static final Dataset D = TestDatasets.tiny(); // 120 samples

  private static EpochRequest request(int rank, int world) {
    return new EpochRequest(5, 2, true, 8, rank, world, 0, 0, false, 0);
  }

  @Test
  void aRanksPlanIsItsShareOfTheShuffledEpochInBatches() {
    Plan plan = Epochs.plan(D, request(1, 3));
    assertEquals(40, plan.samples());
    EpochPermutation order = new EpochPermutation(D.size(), 5, 2, true);
    List<Piece> pieces = Deliveries.pieces(plan, 3);
    long local = 0;
    for (Piece p : pieces) {
      assertTrue(p.count() <= 3, "pieces respect the bound");
      assertEquals(1 + local * 3, p.firstPosition());
      assertEquals(local / 8, p.batch(), "batches of 8");
      for (long index : p.indices()) {
        assertEquals(order.indexAt(1 + local * 3), index, "rank 1 of 3 takes 1, 4, 7, ...");
        local++;
      }
    }
    assertEquals(40, local);
  }

  @Test
  void theUnionOfTheRanksIsTheEpoch() {
    long[] seen = new long[(int) D.size()];
    for (int rank = 0; rank < 4; rank++) {
      for (Piece p : Deliveries.pieces(Epochs.plan(D, request(rank, 4)), 8)) {
        for (long i : p.indices()) {
          seen[(int) i]++;
        }
      }
    }
    long[] once = new long[(int) D.size()];
    Arrays.fill(once, 1);
    assertArrayEquals(once, seen);
  }

  @Test
  void aBadRequestIsRefusedNamingTheField() {
    FgbgException e = assertThrows(FgbgException.class, () -> Epochs.plan(D,
        new EpochRequest(0, 0, false, 0, 0, 1, 0, 0, false, 0)));
    assertTrue(e.getMessage().startsWith("batch_size 0"), e.getMessage());
  }
}
