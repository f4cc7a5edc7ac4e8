package dev.fgbg.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HistogramsTest {
  @Test
  void histogramsCountEveryRenderedValueExactlyBesideTheSums() {
    Dataset d = TestDatasets.tiny();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      StatsCalculator calc = new StatsCalculator(pool, 4);
      Histograms h = new Histograms();
      Selection range = Selection.range(d.size(), d.name(), 10, 100);
      Stats s = calc.compute(d, 4, range, Outputs.all(d), () -> false, n -> { }, h);
      long pixels = 90L * 32 * 32;
      // The same sums as without histograms, and the histograms agree with them exactly.
      Stats plain = new StatsCalculator(pool, 4).compute(d, 4, range, Outputs.all(d), () -> false);
      assertArrayEquals(plain.imageMean(), s.imageMean());
      for (int c = 0; c < 3; c++) {
        long[] bins = h.image(c);
        assertEquals(pixels, Arrays.stream(bins).sum());
        long sum = 0;
        for (int v = 0; v < 256; v++) {
          sum += v * bins[v];
        }
        assertEquals(s.imageMean()[c], sum / (255.0 * pixels), 1e-12);
      }
      assertEquals(pixels, Arrays.stream(h.mask()).sum());
      assertEquals(pixels, h.mask()[0] + h.mask()[255], "a hard mask is 0 or 255");

      // Depth bins hold every value: compared with the float16 values of a direct render.
      Histograms.Binned depth = h.depth(16);
      assertEquals(17, depth.edges().length);
      assertEquals(pixels, LongStream.of(depth.counts()).sum());
      RenderedBatch r = Renderer.renderNow(d, 4, LongStream.range(10, 100).toArray(),
          Outputs.all(d), DepthEncoding.FLOAT16);
      float lo = Float.MAX_VALUE;
      float hi = -Float.MAX_VALUE;
      long firstBin = 0;
      for (int p = 0; p < pixels; p++) {
        float v = DepthEncoding.FLOAT16.get(r.depth(), p * 2);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      for (int p = 0; p < pixels; p++) {
        if (DepthEncoding.FLOAT16.get(r.depth(), p * 2) < depth.edges()[1]) {
          firstBin++;
        }
      }
      assertEquals(lo, depth.edges()[0], 1e-9);
      assertEquals(hi, depth.edges()[16], 1e-6);
      assertEquals(firstBin, depth.counts()[0]);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void onlyTheOutputsAskedForAreCounted() {
    Dataset d = TestDatasets.tiny();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Histograms h = new Histograms();
      new StatsCalculator(pool, 4).compute(d, 0, Selection.range(d.size(), d.name(), 0, 10), new Outputs(true, false, false, false),
          () -> false, n -> { }, h);
      assertEquals(10L * 32 * 32, Arrays.stream(h.image(0)).sum());
      assertEquals(0, Arrays.stream(h.mask()).sum());
      assertNull(h.depth(8));
    } finally {
      pool.shutdownNow();
    }
  }
}
