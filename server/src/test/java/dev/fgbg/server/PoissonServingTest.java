package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.SampleBatch;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --blend poisson} on photo folders through a real server: the cut-out keeps its own
 * colour inside (plain Poisson cloning replaced it by the background's, so a labelled object
 * could not be seen) while its edge still meets the background without a step.
 */
class PoissonServingTest {
  private static final int SIZE = 224;
  private static final int BLUE = 0x1E3CC8; // (30, 60, 200)

  @TempDir
  Path root;

  /** The composite, its mask and its background, as a real server sends them. */
  private record Sample(byte[] image, byte[] mask, byte[] bg) {
    int mean(int c, boolean inMask) {
      long sum = 0;
      int n = 0;
      for (int p = 0; p < mask.length; p++) {
        if ((mask[p] != 0) == inMask) {
          sum += image[p * 3 + c] & 0xff;
          n++;
        }
      }
      assertTrue(n > 0, "mask pixels " + n);
      return (int) Math.round(sum / (double) n);
    }
  }

  private Sample serve(IntBinaryOperator bg, BufferedImage fg) throws Exception {
    return serve(SIZE, bg, fg);
  }

  /** A {@code size}² sample; {@code more} flags after the common ones. */
  private Sample serve(int size, IntBinaryOperator bg, BufferedImage fg, String... more)
      throws Exception {
    BufferedImage photo = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        photo.setRGB(x, y, bg.applyAsInt(x, y));
      }
    }
    Fixtures.write(photo, root.resolve("bg/photo.png"));
    Fixtures.write(fg, root.resolve("fg/thing/a.png"));
    List<String> flags = new ArrayList<>(List.of("--builtin-size", "16", "--builtin-counts",
        "1:1", "--bg", root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(),
        "--name", "tex", "--size", String.valueOf(size), "--blend", "poisson"));
    flags.addAll(List.of(more));
    List<Dataset> ds = FlagDatasets.of(flags.toArray(String[]::new));
    try (TestServer s = TestServer.netty(new DatasetRegistry(ds), 2)) {
      SampleBatch b = FgbgGrpc.newBlockingStub(s.channel()).getSamples(GetSamplesRequest
          .newBuilder().setDataset("tex").addIndices(0).addOutputs(Output.OUTPUT_IMAGE)
          .addOutputs(Output.OUTPUT_MASK).addOutputs(Output.OUTPUT_BACKGROUND).build());
      return new Sample(b.getImages().toByteArray(), b.getMasks().toByteArray(),
          b.getBackgrounds().toByteArray());
    }
  }

  private static int channel(int rgb, int c) {
    return rgb >> (16 - 8 * c) & 0xff;
  }

  @Test
  void aFlatOpaqueRectangleStaysItsColourAndItsEdgeMeetsThePhoto() throws Exception {
    BufferedImage rect = new BufferedImage(120, 80, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 80; y++) {
      for (int x = 0; x < 120; x++) {
        rect.setRGB(x, y, 0xFF000000 | BLUE);
      }
    }
    // Grey with detail: a gentle ramp and a fine checker.
    Sample s = serve((x, y) -> {
      int v = 110 + x / 8 + (((x / 2 + y / 2) & 1) == 0 ? 5 : -5);
      return v << 16 | v << 8 | v;
    }, rect);
    for (int c = 0; c < 3; c++) {
      int want = channel(BLUE, c);
      int grey = s.mean(c, false);
      int got = s.mean(c, true);
      assertTrue(Math.abs(got - want) < Math.abs(grey - want) / 3, "channel " + c
          + ": the rectangle's mean " + got + " is near its own " + want + ", not the photo's "
          + grey);
    }
    int centre = centreOfMask(s.mask());
    for (int c = 0; c < 3; c++) {
      assertEquals(channel(BLUE, c), s.image()[centre * 3 + c] & 0xff, "deep inside: itself");
    }
    int edges = 0;
    for (int p = 0; p < SIZE * SIZE; p++) {
      if (s.mask()[p] == 0) {
        continue;
      }
      int x = p % SIZE;
      int y = p / SIZE;
      for (int[] d : new int[][] {{-1, 0}, {1, 0}, {0, -1}, {0, 1}}) {
        int qx = x + d[0];
        int qy = y + d[1];
        int q = qy * SIZE + qx;
        if (qx < 0 || qy < 0 || qx >= SIZE || qy >= SIZE || s.mask()[q] != 0) {
          continue;
        }
        edges++;
        assertArrayEqualsAtPixel(s, q);
        for (int c = 0; c < 3; c++) {
          int in = s.image()[p * 3 + c] & 0xff;
          int out = s.image()[q * 3 + c] & 0xff;
          // A hard paste steps 68..90 here; the photo's own checker steps 10.
          assertTrue(Math.abs(in - out) <= 16, "seam at " + x + "," + y + " channel " + c
              + ": " + in + " inside against " + out + " outside");
        }
      }
    }
    assertTrue(edges > 100, "edge pixels " + edges);
  }

  /** Outside the mask the composite is the background, untouched. */
  private static void assertArrayEqualsAtPixel(Sample s, int q) {
    for (int c = 0; c < 3; c++) {
      assertEquals(s.bg()[q * 3 + c], s.image()[q * 3 + c], "outside the mask at " + q);
    }
  }

  /** The mask pixel nearest the mask's bounding-box centre. */
  private static int centreOfMask(byte[] mask) {
    long sx = 0;
    long sy = 0;
    int n = 0;
    for (int p = 0; p < SIZE * SIZE; p++) {
      if (mask[p] != 0) {
        sx += p % SIZE;
        sy += p / SIZE;
        n++;
      }
    }
    int centre = (int) (sy / n) * SIZE + (int) (sx / n);
    assertTrue(mask[centre] != 0, "the centre is in the mask");
    return centre;
  }

  @Test
  void aTexturedBlueCutOutOnAFlatYellowPhotoStaysBlue() throws Exception {
    int w = 90;
    int h = 70;
    BufferedImage ellipse = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double d = Math.hypot((x + 0.5 - w / 2.0) / (w / 2.0), (y + 0.5 - h / 2.0) / (h / 2.0));
        int noise = (x * 37 + y * 91) % 41 - 20;
        int a = d < 0.95 ? 255 : d < 1 ? 128 : 0;
        ellipse.setRGB(x, y, a << 24 | (40 + noise) << 16 | (70 + noise) << 8 | (210 + noise));
      }
    }
    Sample s = serve((x, y) -> 230 << 16 | 200 << 8 | 40, ellipse);
    int[] fg = {40, 70, 210};
    for (int c = 0; c < 3; c++) {
      int yellow = s.mean(c, false);
      int got = s.mean(c, true);
      assertTrue(Math.abs(got - fg[c]) < Math.abs(yellow - fg[c]) / 3, "channel " + c
          + ": mean " + got + " inside the mask is near the cut-out's " + fg[c]
          + ", not the photo's " + yellow);
    }
  }

  /**
   * A red bar 7 px wide on a flat blue photo: the band takes at most a quarter of the way in, so
   * only the outermost pixels take the canvas's colour. A band of at least 3 px took the bar
   * over (its in-mask mean was (112, 66, 132), the columns next to the edge half blue).
   */
  @Test
  void aThinBarKeepsItsColourOnAllButItsOutermostPixel() throws Exception {
    int size = 96;
    int h = 48;
    BufferedImage bar = new BufferedImage(7, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < 7; x++) {
        bar.setRGB(x, y, 0xFFDC1E1E); // (220, 30, 30)
      }
    }
    // Half the output's height, the bar's own: drawn unscaled, 7 px wide.
    Sample s = serve(size, (x, y) -> 40 << 16 | 80 << 8 | 170, bar, "--fg-scale", "0.5:0.5");
    int[] red = {220, 30, 30};
    int[] blue = {40, 80, 170};
    int inner = 0;
    for (int y = 1; y < size - 1; y++) {
      for (int x = 1; x < size - 1; x++) {
        int p = y * size + x;
        if (s.mask()[p] == 0 || s.mask()[p - 1] == 0 || s.mask()[p + 1] == 0
            || s.mask()[p - size] == 0 || s.mask()[p + size] == 0) {
          continue;
        }
        inner++;
        for (int c = 0; c < 3; c++) {
          assertEquals(red[c], s.image()[p * 3 + c] & 0xff, "inside the bar at " + x + "," + y);
        }
      }
    }
    assertEquals(5 * (h - 2), inner, "the bar is drawn 7 px wide, inside the image");
    for (int c = 0; c < 3; c++) {
      int got = s.mean(c, true);
      // Only the outer ring (106 of 336 pixels) meets the canvas: about 0.32 of the way.
      assertTrue(Math.abs(got - red[c]) < 0.4 * Math.abs(blue[c] - red[c]), "channel " + c
          + ": the bar's mean " + got + " is near its own " + red[c] + ", not " + blue[c]);
    }
  }
}
