package dev.fgbg.core.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SelectionTest {
  private static long[] indices(IndexSequence s) {
    return LongStream.range(0, s.size()).map(s::indexAt).toArray();
  }

  @Test
  void aRangeIsItsIndicesInOrder() {
    Selection s = Selection.range(120, "tiny", 17, 101);
    assertEquals(84, s.size());
    assertEquals(17, s.indexAt(0));
    assertEquals(100, s.indexAt(83));
    assertTrue(s.isRange() && !s.isRandom());
    assertEquals("17:101", s.toString());
    assertEquals(s, Selection.of(120, "tiny", 17, 101, 1, 0, 99), "the seed draws nothing here");
  }

  @Test
  void aStrideTakesEveryKthIndexFromTheStart() {
    Selection s = Selection.of(400_000, "builtin", 5, 400_000, 1000, 0, 0);
    assertEquals(400, s.size(), "5, 1005, ..., 399005");
    assertEquals(399_005, s.indexAt(399));
    assertEquals(3, Selection.of(10, "d", 0, 7, 3, 0, 0).size(), "0, 3, 6");
    assertEquals("5:400000 stride 1000", s.toString());
  }

  @Test
  void aStrideAsLongAsALongTakesTheFirstIndexOnly() {
    for (long stride : new long[] {10, 1L << 62, Long.MAX_VALUE - 5, Long.MAX_VALUE}) {
      Selection s = Selection.of(400_000, "builtin", 3, 10, stride, 0, 0);
      assertEquals(1, s.size(), "stride " + stride);
      assertEquals(3, s.indexAt(0));
    }
    Selection sampled = Selection.of(400_000, "builtin", 0, 400_000, Long.MAX_VALUE, 1, 7);
    assertEquals(0, sampled.indexAt(0));
  }

  @Test
  void aSampleIsExactlyNDistinctAscendingIndicesOfTheStridedRange() {
    Selection s = Selection.of(400_000, "builtin", 100, 300_000, 7, 4000, 1);
    long[] idx = indices(s);
    assertEquals(4000, idx.length);
    for (int p = 0; p < idx.length; p++) {
      assertTrue(idx[p] >= 100 && idx[p] < 300_000 && (idx[p] - 100) % 7 == 0, "" + idx[p]);
      assertTrue(p == 0 || idx[p] > idx[p - 1], "strictly ascending");
    }
    assertEquals(Arrays.toString(idx), Arrays.toString(indices(Selection.of(400_000, "builtin",
        100, 300_000, 7, 4000, 1))), "the same request draws the same indices");
    long[] other = indices(Selection.of(400_000, "builtin", 100, 300_000, 7, 4000, 2));
    long shared = Arrays.stream(other).filter(i -> Arrays.binarySearch(idx, i) >= 0).count();
    assertEquals(4000.0 * 4000 / 42_843, shared, 100,
        "another seed draws an independent subset: about 373 shared by chance, sd 18");
    assertEquals((100 + 300_000) / 2.0, Arrays.stream(idx).average().orElseThrow(), 6000,
        "spread over the whole range, not a prefix");
    assertEquals(42_843, s.population());
    assertEquals("100:300000 stride 7 sample 4000 (seed 1)", s.toString());
    assertNotEquals(s, Selection.of(400_000, "builtin", 100, 300_000, 7, 4000, 2));
  }

  @Test
  void everyIndexIsEquallyLikelyToBeDrawn() {
    int population = 50;
    int sample = 10;
    int draws = 10_000;
    int[] hits = new int[population];
    for (long seed = 0; seed < draws; seed++) {
      Selection s = Selection.of(population, "d", 0, population, 1, sample, seed);
      for (long p = 0; p < s.size(); p++) {
        hits[(int) s.indexAt(p)]++;
      }
    }
    double expected = (double) draws * sample / population; // 2000, sd about 40
    for (int i = 0; i < population; i++) {
      assertEquals(expected, hits[i], 200, "index " + i);
    }
  }

  @Test
  void aHugeDatasetCostsOnlyTheSample() {
    long n = 3_000_000_000L * 20; // MNIST over CIFAR-sized: beyond int positions
    Selection s = Selection.of(n, "huge", 0, n, 1, 100_000, 5);
    long[] idx = indices(s);
    assertEquals(100_000, idx.length);
    for (int p = 1; p < idx.length; p++) {
      assertTrue(idx[p] > idx[p - 1] && idx[p] < n);
    }
    assertTrue(idx[idx.length - 1] > n / 2, "reaches into the upper half of the index space");
  }

  @Test
  void firstAtOrAfterFindsWhereAnIndexWouldBe() {
    Selection s = Selection.of(1000, "d", 10, 1000, 10, 0, 0); // 10, 20, ..., 990
    assertEquals(0, s.firstAtOrAfter(0));
    assertEquals(0, s.firstAtOrAfter(10));
    assertEquals(1, s.firstAtOrAfter(11));
    assertEquals(s.size(), s.firstAtOrAfter(991));
    Selection r = Selection.of(1000, "d", 0, 1000, 1, 50, 3);
    for (long p = 0; p < r.size(); p++) {
      assertEquals(p, r.firstAtOrAfter(r.indexAt(p)));
      assertEquals(p + 1, r.firstAtOrAfter(r.indexAt(p) + 1));
    }
  }

  @Test
  void badFieldsAreNamed() {
    assertMessage("range start -1 must be in [0, 120) for dataset 'tiny'",
        () -> Selection.of(120, "tiny", -1, 10, 1, 0, 0));
    assertMessage("range end 121 is past the end of dataset 'tiny' (120 samples)",
        () -> Selection.of(120, "tiny", 0, 121, 1, 0, 0));
    assertMessage("range 50:50 is empty", () -> Selection.of(120, "tiny", 50, 50, 1, 0, 0));
    assertMessage("stride 0 must be at least 1", () -> Selection.of(120, "tiny", 0, 120, 0, 0, 0));
    assertMessage("sample -3 must be in [0, 16,777,216]",
        () -> Selection.of(120, "tiny", 0, 120, 1, -3, 0));
    assertMessage("sample 41 is more than the 40 samples of range 0:120 with stride 3; leave "
        + "out --sample (sample 0) to take all 40",
        () -> Selection.of(120, "tiny", 0, 120, 3, 41, 0));
    assertMessage("sample 16777217 must be in [0, 16,777,216]",
        () -> Selection.of(1L << 30, "big", 0, 1L << 30, 1, Selection.MAX_SAMPLE + 1, 0));
    assertFalse(Selection.of(120, "tiny", 0, 120, 1, 120, 0).isRange(), "all 120, drawn");
  }

  private static void assertMessage(String part, Executable e) {
    FgbgException x = assertThrows(FgbgException.class, e);
    assertEquals(FgbgException.Reason.INVALID_ARGUMENT, x.reason());
    assertTrue(x.getMessage().contains(part), x.getMessage());
  }
}
