package dev.fgbg.core.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class RendererTest {
  @Test
  void aBatchMatchesSingleRenders() {
    Dataset d = TestDatasets.tiny();
    long[] idx = {5, 0, 119, 5};
    RenderedBatch r = Renderer.renderNow(d, 9, idx, Outputs.all(d), DepthEncoding.FLOAT16);
    for (int s = 0; s < idx.length; s++) {
      byte[] img = new byte[d.imageBytes()];
      d.render(9, idx[s], DepthEncoding.FLOAT16, new Compositor.Target(img, 0, null, 0, null, 0));
      assertArrayEquals(img, Arrays.copyOfRange(r.images(), s * img.length,
          (s + 1) * img.length));
    }
    RenderedBatch metaOnly = Renderer.renderNow(d, 9, idx, new Outputs(false, false, false,
        true), DepthEncoding.FLOAT16);
    assertEquals(null, metaOnly.images());
    assertEquals(r.infos()[2], metaOnly.infos()[2]);
    assertThrows(CancellationException.class, () -> Renderer.render(d, 9, idx, Outputs.all(d),
        DepthEncoding.FLOAT16, () -> true).join(), "a cancelled render stops");
  }}
