package dev.fgbg.core.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.TeacherDepth;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.render.SampleArray;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class RendersTest {
  private static final long[] INDICES = {5, 0, 119, 5, 42, 7, 3};

  /** A piece's runs gathered as a ring slot would gather them: each at its own samples. */
  private static final class Gathered implements Renders.Runs<RenderedBatch> {
    final BatchShape shape;
    final byte[][] arrays = new byte[SampleArray.values().length][];
    final List<Integer> froms = new ArrayList<>();
    final List<byte[]> imageArrays = new ArrayList<>();
    final List<byte[][]> depthRows = new ArrayList<>();

    Gathered(BatchShape shape, int n) {
      this.shape = shape;
      for (SampleArray a : SampleArray.values()) {
        arrays[a.ordinal()] = new byte[(int) (n * shape.delivered(a))];
      }
    }

    @Override
    public synchronized void copy(Piece piece, int from, RenderedBatch run) {
      froms.add(from);
      imageArrays.add(run.images());
      for (SampleArray a : SampleArray.values()) {
        byte[] src = run.array(a);
        int per = (int) shape.delivered(a);
        if (src != null && per > 0) {
          System.arraycopy(src, 0, arrays[a.ordinal()], from * per, run.size() * per);
        }
      }
      byte[][] rows = run.depthRows(); // a teacher's maps, each copied once from where it is
      for (int s = 0; rows != null && s < rows.length; s++) {
        int per = (int) shape.delivered(SampleArray.DEPTH);
        System.arraycopy(rows[s], 0, arrays[SampleArray.DEPTH.ordinal()], (from + s) * per, per);
      }
      depthRows.add(rows);
    }

    @Override
    public CompletableFuture<RenderedBatch> done(Piece piece, RenderedBatch whole) {
      return CompletableFuture.completedFuture(whole);
    }
  }

  @Test
  void eachRunLandsAtItsSamplesAndThePieceEndsWithItsInfos() {
    Dataset d = TestDatasets.tiny();
    BatchShape shape = new BatchShape(d, Outputs.all(d), DepthEncoding.FLOAT16);
    Piece p = piece();
    Gathered g = new Gathered(shape, INDICES.length);
    RenderedBatch whole = Renders.inRuns(shape, 9, 3, g).start(p, () -> false).join();

    RenderedBatch expected = Renderer.renderNow(d, 9, INDICES, Outputs.all(d),
        DepthEncoding.FLOAT16);
    assertEquals(List.of(0, 3, 6), g.froms);
    assertArrayEquals(expected.images(), g.arrays[SampleArray.IMAGE.ordinal()]);
    assertArrayEquals(expected.masks(), g.arrays[SampleArray.MASK.ordinal()]);
    assertArrayEquals(expected.depth(), g.arrays[SampleArray.DEPTH.ordinal()]);
    assertArrayEquals(expected.infos(), whole.infos());
    assertArrayEquals(INDICES, whole.indices());
    assertNull(whole.images(), "the whole piece carries no arrays");
    assertNull(g.depthRows.get(0), "synthesized depth is rendered into the run's arrays");
    assertSame(g.imageArrays.get(0), g.imageArrays.get(1), "a finished run's arrays are reused");
  }

  @Test
  void aTeachersRunKeepsItsArraysUntilItsDepthComes() {
    Dataset tiny = TestDatasets.tiny();
    List<CompletableFuture<Void>> asked = new ArrayList<>();
    TeacherDepth later = new TeacherDepth() {
      @Override
      public String id() {
        return "later";
      }

      @Override
      public String units() {
        return "metres";
      }

      @Override
      public synchronized CompletableFuture<DepthMap> depth(Dataset d, long seed, long index,
          byte[] image, int offset) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        asked.add(gate);
        float[] v = filled(d, 1 + (image[offset] & 0xff) / 64f); // of the image it was given
        return gate.thenApply(x -> DepthMap.rounded(v));
      }

      @Override
      public CompletableFuture<DepthMap> backgroundDepth(Dataset d, int bg) {
        return CompletableFuture.failedFuture(new AssertionError("samples only: no background "
            + "depth is asked for"));
      }
    };
    Dataset d = new Dataset("taught", tiny.assets(), tiny.spec(), later);
    BatchShape shape = new BatchShape(d, Outputs.all(d), DepthEncoding.FLOAT16);
    Piece p = piece();
    Gathered g = new Gathered(shape, INDICES.length);
    CompletableFuture<RenderedBatch> f = Renders.inRuns(shape, 9, 2, g).start(p, () -> false);

    assertEquals(INDICES.length, asked.size(), "every run asks for its depth at once");
    assertFalse(f.isDone());
    assertTrue(g.froms.isEmpty(), "no run is copied before its depth");
    for (int i = asked.size() - 1; i >= 0; i--) {
      asked.get(i).complete(null);
    }
    f.join();
    assertEquals(4, g.imageArrays.stream().distinct().count(),
        "runs waiting on the model each had their own arrays");
    for (byte[][] rows : g.depthRows) {
      assertTrue(rows != null && rows.length > 0, "a teacher's depth stays in its maps");
    }
    RenderedBatch expected = Renderer.renderNow(tiny, 9, INDICES, Outputs.all(tiny),
        DepthEncoding.FLOAT16);
    assertArrayEquals(expected.images(), g.arrays[SampleArray.IMAGE.ordinal()]);
    for (int s = 0; s < INDICES.length; s++) {
      int db = d.depthBytes(DepthEncoding.FLOAT16);
      byte[] want = DepthMap.rounded(filled(d, 1 + (expected.images()[s * d.imageBytes()]
          & 0xff) / 64f)).encoded(DepthEncoding.FLOAT16);
      assertArrayEquals(want, Arrays.copyOfRange(g.arrays[SampleArray.DEPTH.ordinal()], s * db,
          (s + 1) * db), "sample " + s + "'s depth, of its own image");
    }
  }

  @Test
  void aCancelledPieceStopsRenderingRuns() {
    Dataset d = TestDatasets.tiny();
    BatchShape shape = new BatchShape(d, Outputs.all(d), DepthEncoding.FLOAT16);
    Piece p = piece();
    Gathered g = new Gathered(shape, INDICES.length);
    CompletableFuture<RenderedBatch> f = Renders.inRuns(shape, 9, 3, g).start(p, () -> true);
    CompletionException e = assertThrows(CompletionException.class, f::join);
    assertTrue(e.getCause() instanceof CancellationException, e.toString());
    assertTrue(g.froms.isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Renders.inRuns(shape, 9, 0, g));
  }

  /** All of {@link #INDICES} as one piece. */
  private static Piece piece() {
    return Deliveries.pieces(Plan.of(INDICES), INDICES.length).get(0);
  }

  private static float[] filled(Dataset d, float value) {
    float[] v = new float[d.spec().width() * d.spec().height()];
    Arrays.fill(v, value);
    return v;
  }
}
