package dev.fgbg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EpochPermutationTest {
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 7, 16, 17, 1000, 65_537, 400_000})
  void isABijection(long n) {
    EpochPermutation p = new EpochPermutation(n, 42, 3, true);
    BitSet seen = new BitSet((int) n);
    for (long i = 0; i < n; i++) {
      long v = p.indexAt(i);
      assertTrue(v >= 0 && v < n, "out of range: " + v);
      assertFalse(seen.get((int) v), "repeated: " + v);
      seen.set((int) v);
    }
    assertEquals(n, seen.cardinality());
  }

  @Test
  void shuffledDependsOnSeedAndEpochOnly() {
    EpochPermutation a = new EpochPermutation(400_000, 1, 0, true);
    EpochPermutation b = new EpochPermutation(400_000, 1, 0, true);
    EpochPermutation otherEpoch = new EpochPermutation(400_000, 1, 1, true);
    EpochPermutation otherSeed = new EpochPermutation(400_000, 2, 0, true);
    int sameEpoch = 0;
    int sameSeed = 0;
    int fixedPoints = 0;
    for (long i = 0; i < 10_000; i++) {
      assertEquals(a.indexAt(i), b.indexAt(i));
      sameEpoch += a.indexAt(i) == otherEpoch.indexAt(i) ? 1 : 0;
      sameSeed += a.indexAt(i) == otherSeed.indexAt(i) ? 1 : 0;
      fixedPoints += a.indexAt(i) == i ? 1 : 0;
    }
    assertTrue(sameEpoch < 10 && sameSeed < 10 && fixedPoints < 10);
    // Pinned so that a change to the order is a deliberate one.
    assertEquals(EXPECTED_FIRST, a.indexAt(0));
  }

  private static final long EXPECTED_FIRST = 45_019L;

  @Test
  void unshuffledIsIdentity() {
    EpochPermutation p = new EpochPermutation(100, 9, 9, false);
    for (long i = 0; i < 100; i++) {
      assertEquals(i, p.indexAt(i));
    }
  }

  @Test
  void rejectsPositionsOutside() {
    EpochPermutation p = new EpochPermutation(10, 0, 0, true);
    assertThrows(IndexOutOfBoundsException.class, () -> p.indexAt(10));
    assertThrows(IndexOutOfBoundsException.class, () -> p.indexAt(-1));
    assertThrows(IllegalArgumentException.class, () -> new EpochPermutation(0, 0, 0, true));
  }
}
