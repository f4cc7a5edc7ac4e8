package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Sink;
import dev.fgbg.core.epoch.EpochRequest;
import dev.fgbg.core.epoch.Epochs;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.sampling.EpochPlan;
import dev.fgbg.core.sampling.IndexSequence;
import dev.fgbg.core.synth.IndexCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SelectionsTest {
  private static final IndexCodec CODEC = new IndexCodec(7, 5, 2, 3);

  private static long[] all(IndexSequence s) {
    return LongStream.range(0, s.size()).map(s::indexAt).toArray();
  }

  private static boolean in(int[] values, int v) {
    return Arrays.binarySearch(values, v) >= 0;
  }

  @Test
  void aFilterIsExactlyTheSamplesWhoseFactorsPassInIndexOrder() {
    int[] bgs = {0, 3, 6};
    int[] fgs = {1, 4};
    int[] flips = {1};
    int[] ks = {0, 2};
    long[] expected = LongStream.range(0, CODEC.size()).filter(i -> in(bgs, CODEC.bg(i))
        && in(fgs, CODEC.fg(i)) && in(flips, CODEC.flip(i)) && in(ks, CODEC.k(i))).toArray();
    assertArrayEquals(expected, all(Selections.filter(CODEC, bgs, fgs, flips, ks)));
    int[] every = IntStream.range(0, 7).toArray();
    assertArrayEquals(LongStream.range(0, CODEC.size()).toArray(), all(Selections.filter(CODEC,
        every, IntStream.range(0, 5).toArray(), new int[] {0, 1}, new int[] {0, 1, 2})));
    assertEquals(0, Selections.filter(CODEC, new int[0], fgs, flips, ks).size());
  }

  @Test
  void randomAndStratifiedOrdersVisitEverySampleOnce() {
    IndexSequence f = Selections.filter(CODEC, new int[] {1, 2, 5}, new int[] {0, 1, 2, 3, 4},
        new int[] {0, 1}, new int[] {0, 1, 2});
    long[] sorted = all(f);
    long[] random = all(Selections.random(f, 9));
    assertTrue(!Arrays.equals(sorted, random), "shuffled");
    assertArrayEquals(sorted, LongStream.of(random).sorted().toArray());
    EpochPermutation p = new EpochPermutation(f.size(), 9, 0, true);
    assertEquals(f.indexAt(p.indexAt(17)), random[17], "the epoch permutation of seed 9");

    for (int strata : new int[] {1, 7, 13, 90, 200}) {
      IndexSequence s = Selections.stratified(f, strata, 4);
      long[] order = all(s);
      assertArrayEquals(sorted, LongStream.of(order).sorted().toArray(), strata + " strata");
      int n = (int) Math.min(strata, f.size());
      // Position j·n + t is in run t: [t·q + min(t, r), …) of the index-ordered selection.
      long q = f.size() / n;
      long r = f.size() % n;
      for (int pos = 0; pos < order.length; pos++) {
        int t = pos % n;
        long start = t * q + Math.min(t, r);
        long at = Arrays.binarySearch(sorted, order[pos]);
        assertTrue(at >= start && at < start + q + (t < r ? 1 : 0), "position " + pos);
      }
    }
  }

  @Test
  void theEpochOfARankIsWhatItsStreamDelivers() throws Exception {
    Dataset d = TestDatasets.tiny();
    for (int rank = 0; rank < 3; rank++) {
      EpochRequest r = new EpochRequest(6, 2, true, 5, rank, 3, 0, 0, true, 0);
      List<Long> sent = new ArrayList<>();
      Sink<long[]> collect = new Sink<>() {
        @Override
        public void deliver(Piece piece, long[] indices) {
          for (long i : indices) {
            sent.add(i);
          }
        }

        @Override
        public void ended(Throwable cause) {}
      };
      Delivery.of(Epochs.plan(d, r), (p, stop) -> CompletableFuture.completedFuture(p.indices()),
          collect, Runnable::run).start().await();
      IndexSequence shown = Selections.epoch(new EpochPlan(d.size(), 5, rank, 3, 0, 0, true, 0),
          new EpochPermutation(d.size(), 6, 2, true));
      assertArrayEquals(sent.stream().mapToLong(Long::longValue).toArray(), all(shown));
    }
  }
}
