package dev.fgbg.core.epoch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class EpochSourceTest {
  private static final Dataset D = TestDatasets.tiny(); // 120 samples
  private static final Executor DIRECT = Runnable::run;

  private static EpochRequest request(int rank, int world) {
    return new EpochRequest(5, 2, true, 8, rank, world, 0, 0, false, 0);
  }

  private static List<RenderedChunk> all(EpochSource s) {
    List<RenderedChunk> out = new ArrayList<>();
    while (s.hasNext()) {
      out.add(s.next().join());
    }
    return out;
  }

  @Test
  void yieldsTheRanksShareOfTheShuffledEpochInChunks() {
    EpochSource s = EpochSource.open(D, request(1, 3), Outputs.all(D), DepthEncoding.FLOAT16,
        3, DIRECT);
    assertEquals(40, s.samples());
    EpochPermutation order = new EpochPermutation(D.size(), 5, 2, true);
    List<RenderedChunk> chunks = all(s);
    long local = 0;
    for (RenderedChunk c : chunks) {
      assertTrue(c.batch().size() <= 3, "chunks respect the bound");
      assertEquals(1 + local * 3, c.firstPosition());
      for (long index : c.batch().indices()) {
        assertEquals(order.indexAt(1 + local * 3), index, "rank 1 of 3 takes 1, 4, 7, ...");
        local++;
      }
    }
    assertEquals(40, local);
  }

  @Test
  void chunksHoldTheSameBytesAsADirectRender() {
    EpochSource s = EpochSource.open(D, request(0, 1), Outputs.all(D), DepthEncoding.FLOAT16,
        16, DIRECT);
    RenderedChunk first = s.next().join();
    RenderedBatch direct = Renderer.renderNow(D, 5, first.batch().indices(), Outputs.all(D),
        DepthEncoding.FLOAT16);
    assertTrue(Arrays.equals(direct.images(), first.batch().images()));
    assertTrue(Arrays.equals(direct.masks(), first.batch().masks()));
    assertTrue(Arrays.equals(direct.depth(), first.batch().depth()));
  }

  @Test
  void cancelEndsTheSourceAndStopsRendersThatHaveNotRun() {
    List<Runnable> queued = new ArrayList<>();
    EpochSource s = EpochSource.open(D, request(0, 1), Outputs.all(D), DepthEncoding.FLOAT16,
        8, queued::add);
    CompletableFuture<RenderedChunk> pending = s.next();
    s.cancel();
    assertFalse(s.hasNext());
    queued.forEach(Runnable::run);
    CompletionException e = assertThrows(CompletionException.class, pending::join);
    assertTrue(e.getCause() instanceof CancellationException, e.toString());
  }

  @Test
  void aBadRequestIsRefusedNamingTheField() {
    FgbgException e = assertThrows(FgbgException.class, () -> EpochSource.open(D,
        new EpochRequest(0, 0, false, 0, 0, 1, 0, 0, false, 0), Outputs.all(D),
        DepthEncoding.FLOAT16, 8, DIRECT));
    assertTrue(e.getMessage().startsWith("batch_size 0"), e.getMessage());
  }
}
