package dev.fgbg.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Feathering, motion blur, colour matching and the clipped paint they all go through. */
class BlendsTest {
  /** An opaque w×h block of one colour inside a transparent margin of {@code m} pixels. */
  private static byte[] block(int w, int h, int m, int r, int g, int b) {
    int cw = w + 2 * m;
    int ch = h + 2 * m;
    byte[] rgba = new byte[cw * ch * 4];
    for (int y = m; y < m + h; y++) {
      for (int x = m; x < m + w; x++) {
        int p = (y * cw + x) * 4;
        rgba[p] = (byte) r;
        rgba[p + 1] = (byte) g;
        rgba[p + 2] = (byte) b;
        rgba[p + 3] = (byte) 255;
      }
    }
    return rgba;
  }

  @Test
  void theFeatherKernelSumsToOneAndFeatheringOnlyLowersAlphaNearTheEdge() {
    for (double sigma : new double[] {0.5, 2, 7.3}) {
      assertEquals(1 << 16, Arrays.stream(Feather.kernel(sigma)).sum());
    }
    byte[] rgba = block(30, 30, 4, 200, 100, 50);
    byte[] f = Feather.apply(rgba, 38, 38, 2);
    for (int p = 0; p < 38 * 38; p++) {
      int a = rgba[p * 4 + 3] & 0xff;
      int b = f[p * 4 + 3] & 0xff;
      assertTrue(b <= a, "never more opaque");
      assertEquals(rgba[p * 4], f[p * 4], "colour kept");
    }
    assertEquals(255, f[(19 * 38 + 19) * 4 + 3] & 0xff, "deep inside: opaque");
    int edge = f[(19 * 38 + 4) * 4 + 3] & 0xff;
    assertTrue(edge > 100 && edge < 160, "the edge pixel about half: " + edge);
    int two = f[(19 * 38 + 6) * 4 + 3] & 0xff;
    assertTrue(two > edge && two < 255, "fading in over sigmas: " + two);
  }

  @Test
  void motionBlurSpreadsAlongItsDirectionAndKeepsTheAlphaMass() {
    byte[] rgba = block(10, 6, 0, 90, 180, 30);
    MotionBlur m = MotionBlur.apply(rgba, 10, 6, 9, 0);
    assertEquals(-4, m.dx(), "grown by half the length on each side");
    assertEquals(0, m.dy());
    assertEquals(18, m.width());
    assertEquals(6, m.height());
    long mass = 0;
    for (int p = 0; p < m.width() * m.height(); p++) {
      mass += m.rgba()[p * 4 + 3] & 0xff;
      if ((m.rgba()[p * 4 + 3] & 0xff) > 0) {
        assertEquals(90, m.rgba()[p * 4] & 0xff, "one colour stays that colour");
      }
    }
    assertEquals(10 * 6 * 255, mass, 6 * 18, "alpha mass kept to rounding");
    MotionBlur down = MotionBlur.apply(rgba, 10, 6, 5, Math.PI / 2);
    assertEquals(0, down.dx());
    assertEquals(-2, down.dy(), "vertical");
    assertArrayEquals(m.rgba(), MotionBlur.apply(rgba, 10, 6, 9, 0).rgba(), "deterministic");
  }

  @Test
  void colourMatchingGivesTheCutOutTheMeanOfWhatLiesUnderIt() {
    int w = 20;
    int h = 20;
    byte[] img = new byte[w * h * 3];
    for (int p = 0; p < w * h; p++) {
      img[p * 3] = (byte) (60 + (p % 7) * 10);
      img[p * 3 + 1] = (byte) 120;
      img[p * 3 + 2] = (byte) (200 - (p % 5) * 8);
    }
    byte[] rgba = block(8, 8, 0, 250, 10, 10);
    for (int p = 0; p < 64; p += 3) {
      rgba[p * 4] = (byte) 230; // some spread in red
    }
    byte[] out = ColourMatch.apply(rgba, 8, 8, 128, img, 0, w, h, 5, 6);
    double[] fg = new double[3];
    double[] bg = new double[3];
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        for (int c = 0; c < 3; c++) {
          fg[c] += out[(y * 8 + x) * 4 + c] & 0xff;
          bg[c] += img[((6 + y) * w + 5 + x) * 3 + c] & 0xff;
        }
      }
    }
    for (int c = 0; c < 3; c++) {
      assertEquals(bg[c] / 64, fg[c] / 64, 1.0, "channel " + c);
    }
    assertEquals(rgba, ColourMatch.apply(rgba, 8, 8, 128, img, 0, w, h, 40, 40),
        "nothing under it: unchanged");
  }

  @Test
  void paintCutsWhatFallsOutsideTheImage() {
    byte[] img = new byte[6 * 4 * 3];
    byte[] rgba = block(4, 4, 0, 9, 8, 7);
    Compositor.paint(img, 0, 6, 4, rgba, 4, 4, false, -2, 2);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 6; x++) {
        boolean covered = x < 2 && y >= 2;
        assertEquals(covered ? 9 : 0, img[(y * 6 + x) * 3], "pixel " + x + "," + y);
      }
    }
  }
}
