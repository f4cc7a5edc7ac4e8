package dev.fgbg.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.DepthColors;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.DepthEncoding;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GalleryTest {
  private static final int GAP = 4;
  private static final int CAPTION = 16;

  @Test
  void countRowsAreEvenlySpacedOverTheIndexSpace() {
    assertArrayEquals(new long[] {15, 45, 75, 105}, Gallery.spread(TestDatasets.tiny(), 4));
    long[] eight = Gallery.spread(TestDatasets.builtin(), 0);
    assertEquals(Gallery.DEFAULT_ROWS, eight.length);
    for (int k = 0; k < eight.length; k++) {
      assertEquals(25_000 + 50_000L * k, eight[k]);
    }
    long[] all = Gallery.spread(TestDatasets.tiny(), 64);
    assertEquals(64, Arrays.stream(all).distinct().filter(i -> i >= 0 && i < 120).count());
    assertThrows(FgbgException.class, () -> Gallery.spread(TestDatasets.tiny(), 65));
  }

  @Test
  void smallDatasetsAreScaledUpPixelForPixel() {
    Dataset d = TestDatasets.tiny(); // 32x32 with depth
    long[] rows = {3, 77};
    BufferedImage g = Gallery.render(d, 5, rows);
    int s = Gallery.scale(32, 32, 3);
    assertEquals(3, s, "32 px cells drawn at 96 px");
    assertEquals(rows.length * (96 + CAPTION + GAP) + GAP, g.getHeight());
    RenderedBatch r = Renderer.renderNow(d, 5, rows, Outputs.all(d), DepthEncoding.FLOAT32);
    for (int row = 0; row < rows.length; row++) {
      int top = GAP + row * (96 + CAPTION + GAP) + CAPTION;
      for (int[] p : new int[][] {{0, 0}, {17, 9}, {31, 31}}) {
        int o = (row * 32 * 32 + p[1] * 32 + p[0]) * 3;
        int rgb = ((r.images()[o] & 0xff) << 16) | ((r.images()[o + 1] & 0xff) << 8)
            | (r.images()[o + 2] & 0xff);
        for (int dy = 0; dy < s; dy++) {
          for (int dx = 0; dx < s; dx++) {
            assertEquals(rgb, g.getRGB(GAP + p[0] * s + dx, top + p[1] * s + dy) & 0xffffff);
          }
        }
      }
    }
    assertEquals(5, Gallery.scale(32, 32, 2), "two columns: wide enough for the caption");
    assertEquals(1, Gallery.scale(224, 224, 3));
  }

  @Test
  void depthSharesOneScaleReadByTheColourBar() {
    Dataset d = TestDatasets.tiny();
    long[] rows = {3, 77, 100};
    BufferedImage g = Gallery.render(d, 5, rows);
    RenderedBatch r = Renderer.renderNow(d, 5, rows, Outputs.all(d), DepthEncoding.FLOAT32);
    float[] all = new float[rows.length * 32 * 32];
    for (int p = 0; p < all.length; p++) {
      all[p] = DepthEncoding.FLOAT32.get(r.depth(), p * 4);
    }
    float[] range = DepthColors.range(all);
    int[] colours = DepthColors.colorize(all, range[0], range[1]);
    int cell = 96;
    for (int row = 0; row < rows.length; row++) {
      int top = GAP + row * (cell + CAPTION + GAP) + CAPTION;
      for (int p : new int[] {0, 500, 1023}) {
        assertEquals(colours[row * 1024 + p], g.getRGB(3 * GAP + 2 * cell + (p % 32) * 3,
            top + (p / 32) * 3) & 0xffffff, "row " + row + " pixel " + p);
      }
    }
    int barX = 4 * GAP + 3 * cell;
    assertEquals(DepthColors.ramp(0), g.getRGB(barX + 2, GAP + CAPTION) & 0xffffff, "near on top");
    assertEquals(DepthColors.ramp(1), g.getRGB(barX + 2, g.getHeight() - GAP - 1) & 0xffffff,
        "far at the bottom");
    boolean labelled = false;
    for (int y = GAP + CAPTION; y < GAP + CAPTION + 10; y++) {
      for (int x = barX + 16; x < g.getWidth(); x++) {
        labelled |= (g.getRGB(x, y) & 0xffffff) == 0xE0E0E0;
      }
    }
    assertTrue(labelled, "the nearest depth is written beside the bar");
    assertTrue(g.getWidth() > barX + 16 + PixelFont.width("0.00 m") - 1);
  }

  @Test
  void noDepthNoBarAndAnOversizedGridIsRefused() {
    BufferedImage g = Gallery.render(TestDatasets.noDepth(), 0, new long[] {1});
    int s = Gallery.scale(32, 32, 2);
    assertEquals(2 * 32 * s + 3 * GAP, g.getWidth());
    AssetSet tiny = TestDatasets.noDepth().assets();
    Dataset big = new Dataset("big", new AssetSet(2048, 2048, List.of(new Background("b", 0,
        2048, 2048, new byte[2048 * 2048 * 3], null, null, 0)), tiny.foregrounds(),
        tiny.backgroundLabels(), tiny.foregroundLabels(), "none"),
        Spec.builder().size(2048, 2048).build());
    FgbgException e = assertThrows(FgbgException.class, () -> Gallery.render(big, 0,
        new long[20]));
    assertTrue(e.getMessage().contains("a gallery of 20 rows of 2048x2048 samples would be over "
        + "64 M pixels; ask for at most 7 rows"), e.getMessage());
  }
}
