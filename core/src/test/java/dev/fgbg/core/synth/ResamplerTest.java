package dev.fgbg.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ResamplerTest {
  @Test
  void sameSizeIsIdentity() {
    float[] src = new float[5 * 4 * 2];
    for (int i = 0; i < src.length; i++) {
      src[i] = i;
    }
    assertArrayEquals(src, Resampler.resize(src, 5, 4, 2, 5, 4), 1e-4f);
  }

  @Test
  void constantStaysConstantUpAndDown() {
    float[] src = new float[17 * 13];
    Arrays.fill(src, 42f);
    for (float v : Resampler.resize(src, 17, 13, 1, 5, 3)) {
      assertEquals(42f, v, 1e-3f);
    }
    for (float v : Resampler.resize(src, 17, 13, 1, 40, 31)) {
      assertEquals(42f, v, 1e-3f);
    }
  }

  @Test
  void halvingAveragesPairs() {
    float[] src = {0, 10, 20, 30, 40, 50, 60, 70};
    float[] out = Resampler.resize(src, 8, 1, 1, 4, 1);
    // A 2x shrink with a tent of radius 2 weights the neighbours: stays monotonic and centred.
    for (int i = 1; i < out.length; i++) {
      assertTrue(out[i] > out[i - 1]);
    }
    assertEquals(35f, (out[1] + out[2]) / 2, 1e-3f);
  }

  @Test
  void transparentPixelsDoNotBleedColour() {
    // Left half opaque red, right half fully transparent green: the result must stay red.
    byte[] rgba = new byte[8 * 8 * 4];
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        int o = (y * 8 + x) * 4;
        if (x < 4) {
          rgba[o] = (byte) 255;
          rgba[o + 3] = (byte) 255;
        } else {
          rgba[o + 1] = (byte) 255;
        }
      }
    }
    byte[] out = Resampler.resizeRgba(rgba, 8, 8, 3, 3);
    for (int p = 0; p < 9; p++) {
      if ((out[p * 4 + 3] & 0xff) > 0) {
        assertEquals(255, out[p * 4] & 0xff);
        assertEquals(0, out[p * 4 + 1] & 0xff, "green bled into pixel " + p);
      }
    }
  }

  @Test
  void cropResizeTakesTheCentre() {
    // 6x2 image: columns 0,1 and 4,5 black, 2,3 white. Cropping to square keeps the middle.
    byte[] rgb = new byte[6 * 2 * 3];
    for (int y = 0; y < 2; y++) {
      for (int x = 2; x < 4; x++) {
        for (int c = 0; c < 3; c++) {
          rgb[(y * 6 + x) * 3 + c] = (byte) 255;
        }
      }
    }
    byte[] out = Resampler.cropResizeRgb(rgb, 6, 2, 2, 2);
    for (byte b : out) {
      assertEquals(255, b & 0xff);
    }
  }
}
