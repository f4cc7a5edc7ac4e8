package dev.fgbg.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PoissonBlendTest {
  private static final int W = 48;
  private static final int H = 40;

  /** A textured canvas: a colour ramp with a checker, so its edge values vary. */
  private static byte[] canvas() {
    byte[] img = new byte[W * H * 3];
    for (int p = 0; p < W * H; p++) {
      int x = p % W;
      int y = p / W;
      img[p * 3] = (byte) (40 + 3 * x);
      img[p * 3 + 1] = (byte) (200 - 4 * y);
      img[p * 3 + 2] = (byte) (((x / 4 + y / 4) & 1) == 0 ? 90 : 150);
    }
    return img;
  }

  /** An ellipse of stripes with a soft rim, w×h: straight-alpha RGBA. */
  private static byte[] cutOut(int w, int h) {
    byte[] rgba = new byte[w * h * 4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double d = Math.hypot((x + 0.5 - w / 2.0) / (w / 2.0), (y + 0.5 - h / 2.0) / (h / 2.0));
        int p = (y * w + x) * 4;
        rgba[p] = (byte) (x % 3 == 0 ? 250 : 20);
        rgba[p + 1] = (byte) (10 * y);
        rgba[p + 2] = (byte) (255 - 7 * x);
        rgba[p + 3] = (byte) (d < 0.85 ? 255 : d < 1 ? 100 : 0);
      }
    }
    return rgba;
  }

  @Test
  void gradientsInsideAreTheCutOutsAndTheEdgeIsTheCanvas() {
    int fw = 30;
    int fh = 26;
    // Partly past the right and bottom edges: pixels there simply have fewer neighbours.
    for (int[] at : new int[][] {{6, 5}, {30, 20}, {-8, -4}}) {
      byte[] img = canvas();
      byte[] rgba = cutOut(fw, fh);
      PoissonBlend.Solution s = PoissonBlend.solve(img, 0, W, H, rgba, fw, fh, at[0], at[1],
          128);
      assertTrue(s.pixels().length > 100, "unknowns " + s.pixels().length);
      assertTrue(s.residual() <= PoissonSolver.TOLERANCE, "residual " + s.residual());
      double worst = worstResidual(s, img, rgba, fw, fh, at[0], at[1]);
      assertTrue(worst <= PoissonSolver.TOLERANCE * 1.0001, "checked independently: " + worst);
      byte[] before = img.clone();
      PoissonBlend.paint(img, 0, W, H, rgba, fw, fh, at[0], at[1], 128);
      boolean[] inside = new boolean[W * H];
      for (int i = 0; i < s.pixels().length; i++) {
        int p = s.pixels()[i];
        inside[p] = true;
        double w = s.weights()[i];
        assertTrue(w >= 0 && w <= 1, "weight " + w);
        int g = ((p / W - at[1]) * fw + p % W - at[0]) * 4;
        for (int c = 0; c < 3; c++) {
          int own = rgba[g + c] & 0xff;
          double f = s.values()[3 * i + c];
          long v = Math.max(0, Math.min(255, Math.round(own + w * (f - own))));
          assertEquals(v, img[p * 3 + c] & 0xff, "written: g + w(f - g), rounded");
        }
      }
      for (int p = 0; p < W * H; p++) {
        if (!inside[p]) {
          for (int c = 0; c < 3; c++) {
            assertEquals(before[p * 3 + c], img[p * 3 + c], "outside the mask: the canvas");
          }
        }
      }
    }
  }

  /**
   * max over unknowns and channels of |Σ_q (f_p − f_q) − Σ_{q in mask} (g_p − g_q)|, with f_q the
   * canvas outside the mask: the discrete Poisson equation, recomputed from scratch.
   */
  private static double worstResidual(PoissonBlend.Solution s, byte[] img, byte[] rgba, int fw,
      int fh, int x0, int y0) {
    double[] value = new double[W * H * 3];
    boolean[] in = new boolean[W * H];
    for (int i = 0; i < s.pixels().length; i++) {
      in[s.pixels()[i]] = true;
      for (int c = 0; c < 3; c++) {
        value[s.pixels()[i] * 3 + c] = s.values()[3 * i + c];
      }
    }
    double worst = 0;
    int[][] steps = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    for (int p : s.pixels()) {
      int x = p % W;
      int y = p / W;
      for (int c = 0; c < 3; c++) {
        double lhs = 0;
        double rhs = 0;
        for (int[] d : steps) {
          int qx = x + d[0];
          int qy = y + d[1];
          if (qx < 0 || qy < 0 || qx >= W || qy >= H) {
            continue;
          }
          int q = qy * W + qx;
          double fq = in[q] ? value[q * 3 + c] : img[q * 3 + c] & 0xff;
          lhs += value[p * 3 + c] - fq;
          if (in[q]) {
            rhs += (rgba[((y - y0) * fw + x - x0) * 4 + c] & 0xff)
                - (rgba[((qy - y0) * fw + qx - x0) * 4 + c] & 0xff);
          }
        }
        worst = Math.max(worst, Math.abs(lhs - rhs));
      }
    }
    return worst;
  }

  @Test
  void theSameBytesOnEveryRunAndAnyNumberOfThreads() throws Exception {
    byte[] one = pasteAll();
    assertArrayEquals(one, pasteAll(), "a second run");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> runs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        runs.add(pool.submit(PoissonBlendTest::pasteAll));
      }
      for (Future<byte[]> f : runs) {
        assertArrayEquals(one, f.get(), "on four threads at once");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] pasteAll() {
    byte[] img = canvas();
    PoissonBlend.paint(img, 0, W, H, cutOut(30, 26), 30, 26, 9, 7, 128);
    PoissonBlend.paint(img, 0, W, H, cutOut(16, 30), 16, 30, 25, 12, 128);
    return img;
  }

  /**
   * A flat opaque rectangle: plain Poisson cloning gave it the canvas's membrane (it vanished).
   * Its edge pixels still take the solution, the correction eases off over the band, and
   * beyond the band it is exactly its own colour.
   */
  @Test
  void aFlatRectangleKeepsItsColourBeyondTheBandAndTakesTheSolutionOnItsEdge() {
    int fw = 40;
    int fh = 28;
    byte[] rgba = new byte[fw * fh * 4];
    for (int p = 0; p < fw * fh; p++) {
      rgba[p * 4] = (byte) 30;
      rgba[p * 4 + 1] = (byte) 60;
      rgba[p * 4 + 2] = (byte) 200;
      rgba[p * 4 + 3] = (byte) 255;
    }
    byte[] img = canvas();
    PoissonBlend.Solution s = PoissonBlend.paint(img, 0, W, H, rgba, fw, fh, 4, 6, 128);
    // The deepest pixel is 14 px in: the band is 14/4 = 3.5 px.
    double band = PoissonBand.bandPixels(14);
    assertEquals(3.5, band);
    int core = 0;
    for (int i = 0; i < s.pixels().length; i++) {
      int x = s.pixels()[i] % W - 4;
      int y = s.pixels()[i] / W - 6;
      int in = Math.min(Math.min(x, fw - 1 - x), Math.min(y, fh - 1 - y)); // 0: the edge
      double w = s.weights()[i];
      if (in == 0) {
        assertEquals(1.0, w, "the edge takes the solution");
        for (int c = 0; c < 3; c++) {
          assertEquals(Math.round(s.values()[3 * i + c]), img[s.pixels()[i] * 3 + c] & 0xff);
        }
      } else if (in >= band) {
        assertEquals(0.0, w, "beyond the band: none of the correction at " + x + "," + y);
        assertEquals(30, img[s.pixels()[i] * 3] & 0xff);
        assertEquals(60, img[s.pixels()[i] * 3 + 1] & 0xff);
        assertEquals(200, img[s.pixels()[i] * 3 + 2] & 0xff);
        core++;
      } else {
        assertTrue(w > 0 && w < 1, "in the band: " + w + " at " + x + "," + y);
      }
    }
    assertEquals((fw - 8) * (fh - 8), core, "the inside of the band");
  }

  @Test
  void aMaskCoveringTheWholeImageIsPastedAsItIs() {
    byte[] rgba = new byte[W * H * 4];
    for (int p = 0; p < W * H; p++) {
      rgba[p * 4] = (byte) 7;
      rgba[p * 4 + 3] = (byte) 255;
    }
    byte[] img = canvas();
    PoissonBlend.Solution s = PoissonBlend.paint(img, 0, W, H, rgba, W, H, 0, 0, 128);
    assertEquals(0, s.pixels().length, "nothing holds a boundary");
    assertEquals(7, img[0]);
  }
}
