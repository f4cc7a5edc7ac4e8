package dev.fgbg.core.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BackgroundsTest {
  private static final Outputs WITH_BG = new Outputs(true, true, true, true, true, true);

  @Test
  void eachDistinctBackgroundOnceInOrderOfFirstUse() {
    Dataset d = TestDatasets.tiny(); // 30 samples per background
    long[] idx = {95, 3, 96, 31, 4};
    RenderedBatch r = Renderer.renderNow(d, 2, idx, WITH_BG, DepthEncoding.FLOAT32);
    Backgrounds b = r.backgrounds();
    assertArrayEquals(new int[] {3, 0, 1}, b.ids());
    assertArrayEquals(new int[] {0, 1, 0, 2, 1}, b.rows());
    int ib = d.imageBytes();
    int db = d.depthBytes(DepthEncoding.FLOAT32);
    assertEquals(3 * ib, b.pixels().length);
    assertArrayEquals(d.backgroundRgb(1), Arrays.copyOfRange(b.pixels(), 2 * ib, 3 * ib));
    assertArrayEquals(d.backgroundDepth(0, DepthEncoding.FLOAT32).join(),
        Arrays.copyOfRange(b.depth(), db, 2 * db), "the built-in world's exact depth");
    RenderedBatch plain = Renderer.renderNow(d, 2, idx, WITH_BG.sampleOnly(),
        DepthEncoding.FLOAT32);
    assertNull(plain.backgrounds());
    assertArrayEquals(plain.images(), r.images(), "the sample's own arrays do not change");
  }

  @Test
  void byteCountsBoundBackgroundsByOnePerSample() {
    Dataset d = TestDatasets.tiny();
    BatchShape all = new BatchShape(d, Outputs.all(d), DepthEncoding.FLOAT16);
    BatchShape bg = new BatchShape(d, WITH_BG, DepthEncoding.FLOAT16);
    long extra = d.imageBytes() + d.depthBytes(DepthEncoding.FLOAT16);
    assertEquals(all.sampleBytes() + extra, bg.sampleBytes());
    assertEquals(all.renderBytes(10) + 10 * extra, bg.renderBytes(10));
    assertEquals(all.slotBytes(10) + 10 * extra, bg.slotBytes(10)); // multiples of 64 here
    assertSame(all, all.sampleOnly());
    assertEquals(all, bg.sampleOnly());
  }
}
