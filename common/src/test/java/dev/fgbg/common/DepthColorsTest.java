package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DepthColorsTest {
  @Test
  void aFewStrayValuesDoNotStretchTheQuantileRange() {
    float[] depth = new float[1000];
    for (int i = 0; i < depth.length; i++) {
      depth[i] = 1 + i / 100f; // 1.00 .. 10.99
    }
    assertArrayEquals(new float[] {1.10f, 10.89f}, DepthColors.quantileRange(depth, 0.01, 0.99),
        1e-6f);
    depth[500] = 0.001f; // a near-zero speck
    depth[501] = 5000f; // a far hole
    depth[502] = Float.NaN;
    depth[503] = 0;
    float[] r = DepthColors.quantileRange(depth, 0.01, 0.99);
    assertEquals(1.09f, r[0], 0.011f, "one rank lower at most");
    assertEquals(10.89f, r[1], 0.011f);
    assertEquals(0.001f, DepthColors.range(depth)[0], "what min-max would have used");
    assertNull(DepthColors.quantileRange(new float[] {0, Float.NaN, -1}, 0.01, 0.99));
    assertNull(DepthColors.quantileRange(new float[0], 0.01, 0.99));
  }

  @Test
  void aLargeMapIsSampledEvenly() {
    float[] depth = new float[3 * DepthColors.QUANTILE_VALUES + 7];
    for (int i = 0; i < depth.length; i++) {
      depth[i] = 1 + (float) i / depth.length;
    }
    float[] r = DepthColors.quantileRange(depth, 0.0, 0.5);
    assertEquals(1f, r[0]);
    assertEquals(1.5f, r[1], 1e-3f);
  }
}
