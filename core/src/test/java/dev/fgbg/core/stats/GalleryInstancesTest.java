package dev.fgbg.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.InstanceColors;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.InstanceInfo;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.DepthEncoding;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The gallery's instance column: the ids in their colours, each visible instance captioned. */
class GalleryInstancesTest {
  private static final int GAP = 4;

  @Test
  void instanceMasksAreAColumnInTheirColoursWithACaptionPerVisibleInstance() {
    Dataset d = new Dataset("scene", BuiltinWorld.create(64, 64, 4, 10), Spec.builder()
        .size(64, 64).placements(2).scene(SceneSpec.builder().objects(2, 3).maxOcclusion(0.6)
            .build()).build());
    long[] rows = {3, 40, 77};
    BufferedImage plain = Gallery.render(d, 5, rows);
    BufferedImage g = Gallery.render(d, 5, rows, false, true);
    int s = Gallery.scale(64, 64, 3); // the caption fits over image | mask | depth
    int cw = 64 * s;
    assertEquals(plain.getHeight(), g.getHeight(), "cells at one scale with and without");
    assertEquals(plain.getWidth() + cw + GAP, g.getWidth(), "one more column");
    int[] left = new int[3 * cw];
    g.getRGB(GAP, Gallery.HEADER + GAP + Gallery.CAPTION, 3 * cw, 1, left, 0, 3 * cw);
    RenderedBatch r = Renderer.renderNow(d, 5, rows, Outputs.all(d).withInstances(),
        DepthEncoding.FLOAT32);
    int rowH = 64 * s + Gallery.CAPTION + GAP;
    int x = 4 * GAP + 3 * cw;
    for (int row = 0; row < rows.length; row++) {
      int top = Gallery.HEADER + GAP + row * rowH + Gallery.CAPTION;
      int exact = 0;
      for (int p = 0; p < 64 * 64; p++) {
        int want = InstanceColors.of(r.instances()[row * 64 * 64 + p] & 0xff);
        exact += (g.getRGB(x + (p % 64) * s, top + (p / 64) * s) & 0xffffff) == want ? 1 : 0;
      }
      assertTrue(exact > 64 * 64 * 9 / 10, exact + " of 4096 pixels in their colour (captions "
          + "cover the rest)");
      for (InstanceInfo in : r.infos()[row].instances()) {
        if (in.bboxX1() > in.bboxX0()) {
          // Over the box's corner, moved left as far as the name needs to stay in the cell.
          String name = PixelFont.fit(d.assets().foregroundLabels().get(in.label()), cw - 2);
          int tx = Math.min(x + in.bboxX0() * s + 1, x + cw - 1 - PixelFont.width(name));
          int[] caption = new int[12 * 5];
          g.getRGB(tx, top + in.bboxY0() * s + 1, 12, 5, caption, 0, 12);
          boolean white = false;
          for (int c : caption) {
            white |= (c & 0xffffff) == 0xffffff;
          }
          assertTrue(white, "row " + row + ": a caption at the visible box");
        }
      }
    }
    int[] before = new int[3 * cw];
    plain.getRGB(GAP, Gallery.HEADER + GAP + Gallery.CAPTION, 3 * cw, 1, before, 0, 3 * cw);
    assertArrayEquals(before, left, "the other columns as without instances");
  }
}
