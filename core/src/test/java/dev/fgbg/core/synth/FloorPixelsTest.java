package dev.fgbg.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FloorPixelsTest {
  private static final int W = 64;
  private static final int H = 48;

  /**
   * The z-depth a pinhole camera pitched down by {@code pitch} at height 1.2 sees: a floor below,
   * a wall 6 m ahead, and a ceiling 2.6 m up above it; a box's top (a table) at 0.7 m in columns
   * 40..55 of the lower rows.
   */
  static float[] room(double pitch, PinholeCamera cam) {
    double f = cam.focal();
    float[] depth = new float[W * H];
    double sp = Math.sin(pitch);
    double cp = Math.cos(pitch);
    for (int v = 0; v < H; v++) {
      for (int u = 0; u < W; u++) {
        double b = (v + 0.5 - H / 2.0) / f;
        double dy = -b * cp - sp; // world up component of the ray whose z-depth weight is 1
        double dz = -b * sp + cp;
        double t = 6.0 / dz; // the wall
        if (dy < 0) {
          double floor = 1.2 / -dy;
          t = Math.min(t, floor);
          double table = 0.5 / -dy;
          if (u >= 40 && u < 56 && table * dz < 3 && table * dz > 2) {
            t = Math.min(t, table);
          }
        } else if (dy > 0) {
          t = Math.min(t, 1.4 / dy);
        }
        depth[v * W + u] = (float) t;
      }
    }
    return depth;
  }

  @Test
  void findsTheFloorAndTheTableTopButNotWallOrCeilingSortedByDepth() {
    PinholeCamera cam = new PinholeCamera(W, 60);
    for (double pitchDeg : new double[] {0, 12}) {
      float[] depth = room(Math.toRadians(pitchDeg), cam);
      FloorPixels fp = FloorPixels.of(depth, W, H, cam);
      assertFalse(fp.fallback());
      assertTrue(fp.size() > 200, "pitch " + pitchDeg + ": " + fp.size());
      for (int i = 0; i < fp.size(); i++) {
        int p = fp.pixels()[i];
        assertTrue(p / W > H / 2 - 8, "below the horizon: row " + p / W);
        assertTrue(depth[p] < 5.99f, "never the wall");
        if (i > 0) {
          assertTrue(fp.depth()[i - 1] <= fp.depth()[i], "nearest first");
        }
        assertEquals(depth[p], fp.depth()[i]);
      }
      int last = fp.depth().length - 1;
      assertEquals(fp.size(), fp.firstAtLeast(fp.depth()[last] + 1));
      assertEquals(0, fp.firstAtLeast(0));
    }
  }

  @Test
  void aWallEverywhereFallsBackToTheBottomRow() {
    float[] depth = new float[W * H];
    Arrays.fill(depth, 3f);
    FloorPixels fp = FloorPixels.of(depth, W, H, new PinholeCamera(W, 60));
    assertTrue(fp.fallback());
    assertEquals(W, fp.size());
    for (int p : fp.pixels()) {
      assertEquals(H - 1, p / W);
    }
  }

  @Test
  void thePinholeCameraGivesNearObjectsMorePixels() {
    PinholeCamera cam = new PinholeCamera(224, 60);
    assertEquals(112 / Math.tan(Math.PI / 6), cam.focal(), 1e-9);
    assertEquals(2 * cam.pixelHeight(1.7, 4), cam.pixelHeight(1.7, 2), 1e-9);
    assertEquals(3.0, cam.depthFor(1.5, cam.pixelHeight(1.5, 3)), 1e-12);
  }
}
