package dev.fgbg.core.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
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

  /**
   * Scaling the bytes in place (RGB or RGBA) gives the bytes a float copy of the crop gave, as
   * backgrounds were scaled before: down, up, cropped either way, and the same size.
   */
  @Test
  void inPlaceCropResizeIsByteForByteTheFloatCopys() {
    Random rnd = new Random(7);
    int[][] sizes = {{97, 61, 32, 32}, {61, 97, 32, 24}, {20, 15, 64, 48}, {40, 30, 40, 30},
        {50, 30, 30, 30}, {300, 200, 224, 224}, {7, 9, 224, 160}};
    for (int[] z : sizes) {
      int sw = z[0];
      int sh = z[1];
      byte[] rgba = new byte[sw * sh * 4];
      rnd.nextBytes(rgba);
      byte[] rgb = new byte[sw * sh * 3];
      for (int i = 0; i < sw * sh; i++) {
        System.arraycopy(rgba, i * 4, rgb, i * 3, 3);
      }
      byte[] expected = floatCopyCropResize(rgb, sw, sh, z[2], z[3]);
      String at = Arrays.toString(z);
      assertArrayEquals(expected, Resampler.cropResizeRgb(rgb, sw, sh, z[2], z[3]), at);
      assertArrayEquals(expected, Resampler.cropResizeRgb(rgba, 4, sw, sh, z[2], z[3]), at);
    }
  }

  /** The scaling as it was: the centre crop copied to floats, resized, rounded to bytes. */
  private static byte[] floatCopyCropResize(byte[] rgb, int sw, int sh, int dw, int dh) {
    int cw = sw;
    int ch = sh;
    if ((long) sw * dh > (long) sh * dw) {
      cw = (int) Math.max(1, Math.round((double) sh * dw / dh));
    } else {
      ch = (int) Math.max(1, Math.round((double) sw * dh / dw));
    }
    int x0 = (sw - cw) / 2;
    int y0 = (sh - ch) / 2;
    float[] f = new float[cw * ch * 3];
    for (int y = 0; y < ch; y++) {
      for (int i = 0; i < cw * 3; i++) {
        f[y * cw * 3 + i] = rgb[((y0 + y) * sw + x0) * 3 + i] & 0xff;
      }
    }
    float[] r = (cw == dw && ch == dh) ? f : Resampler.resize(f, cw, ch, 3, dw, dh);
    byte[] out = new byte[dw * dh * 3];
    for (int i = 0; i < out.length; i++) {
      out[i] = Resampler.toByte(r[i]);
    }
    return out;
  }
}
