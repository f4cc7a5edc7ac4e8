package dev.fgbg.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.DepthColors;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.core.synth.IndexCodec;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GalleryTest {
  private static final int GAP = 4;
  private static final int CAPTION = Gallery.CAPTION;
  /** Where the first row starts: under the column headers. */
  private static final int TOP = Gallery.HEADER + GAP;

  @Test
  void theDefaultRowsAreDrawnFromTheSeedWithDistinctBackgroundsAndCutOuts() {
    Dataset d = TestDatasets.builtin(); // 100 bg x 100 fg x 2 flips x 20 placements
    IndexCodec c = d.codec();
    long[] eight = Gallery.pick(d, 5, 0);
    assertEquals(Gallery.DEFAULT_ROWS, eight.length);
    assertArrayEquals(eight, Gallery.pick(d, 5, 8), "the seed alone decides");
    assertFalse(Arrays.equals(eight, Gallery.pick(d, 6, 8)), "another seed, other rows");
    long[] rows = Gallery.pick(d, 5, 64);
    assertArrayEquals(eight, Arrays.copyOf(rows, 8), "more rows extend the same draw");
    assertEquals(64, Arrays.stream(rows).map(c::bg).distinct().count());
    assertEquals(64, Arrays.stream(rows).map(c::fg).distinct().count());
    assertEquals(2, Arrays.stream(rows).map(c::flip).distinct().count());
    assertTrue(Arrays.stream(rows).map(c::k).distinct().count() > 10, "placements vary");
    assertThrows(FgbgException.class, () -> Gallery.pick(d, 5, 65));
  }

  @Test
  void beyondTheBackgroundsAndCutOutsRowsStillNeverRepeat() {
    for (int[] bf : new int[][] {{4, 5}, {2, 4}, {3, 3}, {1, 3}, {6, 4}}) {
      Dataset d = new Dataset("g", BuiltinWorld.create(8, 8, bf[0], bf[1]),
          Spec.builder().size(8, 8).placements(2).build());
      IndexCodec c = d.codec();
      long[] rows = Gallery.pick(d, 9, 64);
      int n = (int) Math.min(64, d.size());
      assertEquals(n, Arrays.stream(rows).distinct().filter(c::contains).count(), d.size() + "");
      int distinct = Math.min(bf[0], bf[1]);
      long[] first = Arrays.copyOf(rows, distinct);
      assertEquals(distinct, Arrays.stream(first).map(c::bg).distinct().count());
      assertEquals(distinct, Arrays.stream(first).map(c::fg).distinct().count());
      long pairs = (long) bf[0] * bf[1];
      assertEquals(pairs, Arrays.stream(rows).limit(pairs)
          .map(i -> c.bg(i) * 1000L + c.fg(i)).distinct().count(), "every pair before a repeat");
    }
  }

  @Test
  void aSelectionShowsItsSamplesUpToTheRowLimit() {
    assertArrayEquals(new long[] {10, 40, 70, 100}, Gallery.rows(Selection.of(120, "tiny", 10,
        120, 30, 0, 0)));
    FgbgException e = assertThrows(FgbgException.class, () -> Gallery.rows(Selection.range(
        400_000, "builtin", 0, 8000)));
    assertTrue(e.getMessage().contains("selection 0:8000 has 8000 samples; a gallery shows at "
        + "most 64"), e.getMessage());
  }

  @Test
  void captionsCarryTheLabelNames() {
    Dataset d = TestDatasets.tiny();
    long[] rows = {3, 77};
    BufferedImage g = Gallery.render(d, 5, rows);
    RenderedBatch r = Renderer.renderNow(d, 5, rows, Outputs.all(d), DepthEncoding.FLOAT32);
    int cell = 32 * Gallery.scale(32, 32, 3);
    int rowH = cell + CAPTION + GAP;
    for (int row = 0; row < rows.length; row++) {
      SampleInfo info = r.infos()[row];
      String labels = d.assets().backgroundLabels().get(info.bgLabel()) + " / "
          + d.assets().foregroundLabels().get(info.fgLabel());
      BufferedImage expected = new BufferedImage(g.getWidth(), PixelFont.HEIGHT,
          BufferedImage.TYPE_INT_RGB);
      PixelFont.draw(expected, GAP, 0, PixelFont.fit(labels, 3 * cell + 2 * GAP), 0xB0B0B0);
      int y0 = TOP + row * rowH + 4 + PixelFont.HEIGHT;
      int lit = 0;
      for (int y = 0; y < PixelFont.HEIGHT; y++) {
        for (int x = 0; x < 3 * cell + 3 * GAP; x++) {
          int want = expected.getRGB(x, y) & 0xffffff;
          assertEquals(want == 0 ? 0x202020 : want, g.getRGB(x, y0 + y) & 0xffffff,
              "row " + row + " (" + labels + ") at " + x + "," + y);
          lit += want == 0 ? 0 : 1;
        }
      }
      assertTrue(lit > 50, labels);
    }
  }

  @Test
  void oneNearZeroPixelDoesNotSetTheColourScale() {
    AssetSet a = TestDatasets.tiny().assets();
    List<Background> bgs = a.backgrounds().stream().map(b -> {
      float[] depth = b.depth().clone();
      depth[0] = 0.001f; // a speck at the top-left corner, far nearer than anything else
      return new Background(b.name(), b.label(), b.width(), b.height(), b.rgb(), depth,
          b.floorDepth(), b.footRowMin());
    }).toList();
    Dataset specked = new Dataset("specked", new AssetSet(a.width(), a.height(), bgs,
        a.foregrounds(), a.backgroundLabels(), a.foregroundLabels(), a.depthSource()),
        TestDatasets.tiny().spec());
    long[] rows = {3, 77, 100};
    float[] all = depth(specked, rows);
    assertEquals(0.001f, DepthColors.range(all)[0], "the speck is in the grid");
    float[] plain = DepthColors.quantileRange(depth(TestDatasets.tiny(), rows), 0.01, 0.99);
    float[] scale = DepthColors.quantileRange(all, 0.01, 0.99);
    assertEquals(plain[0], scale[0], plain[0] * 0.02, "the near end barely moves");
    assertEquals(plain[1], scale[1], "the far end does not");
    BufferedImage g = Gallery.render(specked, 5, rows);
    int[] colours = DepthColors.colorize(all, scale[0], scale[1]);
    int s = Gallery.scale(32, 32, 3);
    for (int row = 0; row < rows.length; row++) {
      int top = TOP + row * (32 * s + CAPTION + GAP) + CAPTION;
      for (int p : new int[] {0, 500, 1023}) {
        assertEquals(colours[row * 1024 + p], g.getRGB(3 * GAP + 2 * 32 * s + (p % 32) * s,
            top + (p / 32) * s) & 0xffffff, "row " + row + " pixel " + p);
      }
    }
  }

  /** The float depth of {@code rows}, one map after the other. */
  private static float[] depth(Dataset d, long[] rows) {
    RenderedBatch r = Renderer.renderNow(d, 5, rows, Outputs.all(d), DepthEncoding.FLOAT32);
    float[] all = new float[rows.length * d.spec().width() * d.spec().height()];
    for (int p = 0; p < all.length; p++) {
      all[p] = DepthEncoding.FLOAT32.get(r.depth(), p * 4);
    }
    return all;
  }

  @Test
  void smallDatasetsAreScaledUpPixelForPixel() {
    Dataset d = TestDatasets.tiny(); // 32x32 with depth
    long[] rows = {3, 77};
    BufferedImage g = Gallery.render(d, 5, rows);
    int s = Gallery.scale(32, 32, 3);
    assertTrue(32 * s >= Gallery.MIN_CELL, "32 px cells drawn at least " + Gallery.MIN_CELL);
    assertTrue(3 * 32 * s + 2 * GAP >= PixelFont.width("i=0000000 bg=000 fg=000 flip=0 k=00"),
        "the widest caption fits over the cells");
    assertTrue(3 * 32 * (s - 1) + 2 * GAP < PixelFont.width("i=0000000 bg=000 fg=000 flip=0 k=00"),
        "no larger than that takes");
    assertEquals(TOP + rows.length * (32 * s + CAPTION + GAP), g.getHeight());
    RenderedBatch r = Renderer.renderNow(d, 5, rows, Outputs.all(d), DepthEncoding.FLOAT32);
    for (int row = 0; row < rows.length; row++) {
      int top = TOP + row * (32 * s + CAPTION + GAP) + CAPTION;
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
    assertTrue(Gallery.scale(32, 32, 2) > s, "two columns: wider cells for the caption");
    assertEquals(1, Gallery.scale(224, 224, 3));
  }

  @Test
  void depthSharesOneScaleReadByTheColourBar() {
    Dataset d = TestDatasets.tiny();
    long[] rows = {3, 77, 100};
    BufferedImage g = Gallery.render(d, 5, rows);
    float[] all = depth(d, rows);
    float[] range = DepthColors.quantileRange(all, 0.01, 0.99);
    int[] colours = DepthColors.colorize(all, range[0], range[1]);
    int s = Gallery.scale(32, 32, 3);
    int cell = 32 * s;
    for (int row = 0; row < rows.length; row++) {
      int top = TOP + row * (cell + CAPTION + GAP) + CAPTION;
      for (int p : new int[] {0, 500, 1023}) {
        assertEquals(colours[row * 1024 + p], g.getRGB(3 * GAP + 2 * cell + (p % 32) * s,
            top + (p / 32) * s) & 0xffffff, "row " + row + " pixel " + p);
      }
    }
    int barX = 4 * GAP + 3 * cell;
    assertEquals(DepthColors.ramp(0), g.getRGB(barX + 2, TOP + CAPTION) & 0xffffff, "near on top");
    assertEquals(DepthColors.ramp(1), g.getRGB(barX + 2, g.getHeight() - GAP - 1) & 0xffffff,
        "far at the bottom");
    boolean labelled = false;
    for (int y = TOP + CAPTION; y < TOP + CAPTION + PixelFont.HEIGHT; y++) {
      for (int x = barX + 16; x < g.getWidth(); x++) {
        labelled |= (g.getRGB(x, y) & 0xffffff) == 0xE0E0E0;
      }
    }
    assertTrue(labelled, "the nearest depth is written beside the bar");
    assertTrue(g.getWidth() > barX + 16 + PixelFont.width("0.00 m") - 1);
  }

  @Test
  void theBackgroundsDepthSharesTheCompositesScale() {
    Dataset d = TestDatasets.tiny();
    long[] rows = {3, 77};
    BufferedImage g = Gallery.render(d, 5, rows, true, false);
    // image | background | mask | depth | bg depth: each background's depth after the depth
    float[] composites = depth(d, rows);
    float[] all = Arrays.copyOf(composites, 4 * 1024);
    for (int row = 0; row < rows.length; row++) {
      byte[] bg = d.backgroundDepth(d.codec().bg(rows[row]), DepthEncoding.FLOAT32).join();
      for (int p = 0; p < 1024; p++) {
        all[2048 + row * 1024 + p] = DepthEncoding.FLOAT32.get(bg, p * 4);
      }
    }
    float[] range = DepthColors.quantileRange(all, 0.01, 0.99);
    int[] colours = DepthColors.colorize(all, range[0], range[1]);
    int s = Gallery.scale(32, 32, 3);
    int cell = 32 * s;
    boolean differs = false;
    for (int row = 0; row < rows.length; row++) {
      int top = TOP + row * (cell + CAPTION + GAP) + CAPTION;
      for (int p = 0; p < 1024; p += 37) {
        int y = top + (p / 32) * s;
        int x = (p % 32) * s;
        assertEquals(colours[row * 1024 + p], g.getRGB(4 * GAP + 3 * cell + x, y) & 0xffffff,
            "depth, row " + row + " pixel " + p);
        int bg = colours[2048 + row * 1024 + p];
        assertEquals(bg, g.getRGB(5 * GAP + 4 * cell + x, y) & 0xffffff,
            "bg depth, row " + row + " pixel " + p);
        differs |= bg != colours[row * 1024 + p];
      }
    }
    assertTrue(differs, "the cut-out's depth is not in the background's");
    assertEquals(List.of("image", "background", "mask", "depth", "bg depth"),
        GalleryGrid.of(d, rows, true, false).columns());
    assertEquals(List.of("image", "background", "mask"), GalleryGrid.of(TestDatasets.noDepth(),
        new long[] {1}, true, false).columns(), "no depth, no background depth");
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

  @Test
  void theColumnsAreHeadedByWhatTheyShow() {
    Dataset d = TestDatasets.tiny();
    BufferedImage g = Gallery.render(d, 5, new long[] {3, 77}, true, true);
    int cell = 32 * Gallery.scale(32, 32, 3);
    List<String> names = List.of("image", "background", "mask", "depth", "bg depth",
        "instances");
    assertEquals(names, GalleryGrid.of(d, new long[] {3}, true, true).columns());
    for (int c = 0; c < names.size(); c++) {
      BufferedImage expected = new BufferedImage(cell, PixelFont.HEIGHT,
          BufferedImage.TYPE_INT_RGB);
      String name = names.get(c);
      PixelFont.draw(expected, (cell - PixelFont.width(name)) / 2, 0, name, 0xE0E0E0);
      int x0 = GAP + c * (GAP + cell);
      int lit = 0;
      for (int y = 0; y < PixelFont.HEIGHT; y++) {
        for (int x = 0; x < cell; x++) {
          int want = expected.getRGB(x, y) & 0xffffff;
          assertEquals(want == 0 ? 0x202020 : want, g.getRGB(x0 + x, GAP + y) & 0xffffff,
              name + " at " + x + "," + y);
          lit += want == 0 ? 0 : 1;
        }
      }
      assertTrue(lit > 20, name);
    }
    assertEquals(List.of("image", "mask"), GalleryGrid.of(TestDatasets.noDepth(),
        new long[] {1}, false, false).columns(), "no depth, no depth column");
    assertArrayEquals(Gallery.png(g), Gallery.png(Gallery.render(d, 5, new long[] {3, 77}, true,
        true)), "the same bytes twice");
  }
}
