package dev.fgbg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EpochPlanTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5})
  void shardsCoverTheEpochExactlyOnce(int world) {
    long n = 1001;
    BitSet seen = new BitSet();
    for (int r = 0; r < world; r++) {
      EpochPlan p = new EpochPlan(n, 10, r, world, 0, 0, false, 0);
      for (long j = 0; j < p.count(); j++) {
        int pos = (int) p.position(p.firstLocal() + j);
        assertFalse(seen.get(pos), "position " + pos + " twice");
        seen.set(pos);
      }
    }
    assertEquals(n, seen.cardinality());
    assertEquals(n, seen.nextClearBit(0));
  }

  @Test
  void dropLastGivesEveryRankTheSameWholeBatches() {
    for (int r = 0; r < 3; r++) {
      EpochPlan p = new EpochPlan(1001, 10, r, 3, 0, 0, true, 0);
      assertEquals(330, p.count(), "floor(floor(1001/3)/10)*10");
    }
  }

  @Test
  void startBatchSkipsWholeBatchesAndLimitCaps() {
    EpochPlan p = new EpochPlan(100, 8, 0, 1, 0, 3, false, 0);
    assertEquals(24, p.firstLocal());
    assertEquals(76, p.count());
    assertEquals(3, p.batchOf(p.firstLocal()));
    EpochPlan limited = new EpochPlan(100, 8, 0, 1, 0, 3, false, 10);
    assertEquals(10, limited.count());
    EpochPlan atEnd = new EpochPlan(100, 8, 0, 1, 0, 13, false, 0);
    assertEquals(0, atEnd.count(), "resuming at the end is an empty stream");
  }

  @Test
  void startPositionKeepsTheGlobalOrderForAnyWorldSize() {
    // Two ranks consumed positions [0, 40); continue with three ranks from position 40.
    BitSet seen = new BitSet();
    for (int r = 0; r < 3; r++) {
      EpochPlan p = new EpochPlan(100, 4, r, 3, 40, 0, false, 0);
      for (long j = 0; j < p.count(); j++) {
        long pos = p.position(j);
        assertTrue(pos >= 40);
        assertFalse(seen.get((int) pos));
        seen.set((int) pos);
      }
    }
    assertEquals(60, seen.cardinality());
  }

  @Test
  void rejectsBadFieldsNamingThem() {
    assertMessage("batch_size 0", () -> new EpochPlan(10, 0, 0, 1, 0, 0, false, 0));
    assertMessage("batch_size -3", () -> new EpochPlan(10, -3, 0, 1, 0, 0, false, 0));
    assertMessage("batch_size 100000", () -> new EpochPlan(10, 100_000, 0, 1, 0, 0, false, 0));
    assertMessage("rank 2", () -> new EpochPlan(10, 1, 2, 2, 0, 0, false, 0));
    assertMessage("rank -1", () -> new EpochPlan(10, 1, -1, 2, 0, 0, false, 0));
    assertMessage("world_size -1", () -> new EpochPlan(10, 1, 0, -1, 0, 0, false, 0));
    assertMessage("start_batch 99", () -> new EpochPlan(10, 1, 0, 1, 0, 99, false, 0));
    assertMessage("start_batch -1", () -> new EpochPlan(10, 1, 0, 1, 0, -1, false, 0));
    assertMessage("start_position 11", () -> new EpochPlan(10, 1, 0, 1, 11, 0, false, 0));
    assertMessage("limit -5", () -> new EpochPlan(10, 1, 0, 1, 0, 0, false, -5));
  }

  private static void assertMessage(String expected, Executable e) {
    FgbgException ex = assertThrows(FgbgException.class, e);
    assertEquals(FgbgException.Reason.INVALID_ARGUMENT, ex.reason());
    assertTrue(ex.getMessage().startsWith(expected), ex.getMessage());
  }
}
