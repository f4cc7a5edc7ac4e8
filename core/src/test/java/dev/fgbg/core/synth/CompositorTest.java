package dev.fgbg.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CompositorTest {
  private static final int W = 4;
  private static final int H = 3;

  /** A 2×1 foreground: left pixel opaque red, right pixel half-transparent blue. */
  private static ScaledForeground fg() {
    byte[] rgba = {(byte) 255, 0, 0, (byte) 255, 0, 0, (byte) 255, (byte) 128};
    return ScaledForeground.of(rgba, 2, 1, 128);
  }

  private static byte[] grey() {
    byte[] bg = new byte[W * H * 3];
    Arrays.fill(bg, (byte) 100);
    return bg;
  }

  private static byte[] depth(DepthEncoding enc) {
    float[] d = new float[W * H];
    Arrays.fill(d, 5f);
    return enc.encode(d);
  }

  @Test
  void blendsMasksAndSetsDepth() {
    byte[] img = new byte[W * H * 3 + 5];
    byte[] mask = new byte[W * H + 5];
    byte[] dep = new byte[W * H * 2 + 5];
    Compositor.compose(grey(), depth(DepthEncoding.FLOAT16), W, H, fg(), false, 1, 2, 128,
        false, DepthEncoding.FLOAT16, 2.5f, new Compositor.Target(img, 5, mask, 5, dep, 5));
    int p = 5 + (2 * W + 1) * 3;
    assertEquals(255, img[p] & 0xff, "opaque pixel is the foreground");
    assertEquals(0, img[p + 1] & 0xff);
    int q = p + 3;
    assertEquals((100 * 127 + 127) / 255, img[q] & 0xff, "red: bg only");
    assertEquals((255 * 128 + 100 * 127 + 127) / 255, img[q + 2] & 0xff, "blue: exact blend");
    assertEquals(100, img[5] & 0xff, "untouched background");
    assertEquals(255, mask[5 + 2 * W + 1] & 0xff);
    assertEquals(255, mask[5 + 2 * W + 2] & 0xff, "alpha 128 reaches threshold 128");
    assertEquals(0, mask[5 + 2 * W + 3] & 0xff);
    assertEquals(2.5f, DepthEncoding.FLOAT16.get(dep, 5 + (2 * W + 1) * 2));
    assertEquals(5f, DepthEncoding.FLOAT16.get(dep, 5));
  }

  @Test
  void flipMirrorsAndSoftMaskKeepsAlpha() {
    byte[] img = new byte[W * H * 3];
    byte[] mask = new byte[W * H];
    Compositor.compose(grey(), null, W, H, fg(), true, 0, 0, 200, true,
        DepthEncoding.FLOAT32, 0f, new Compositor.Target(img, 0, mask, 0, null, 0));
    assertEquals(128, mask[0] & 0xff, "flipped: the soft pixel is first");
    assertEquals(255, mask[1] & 0xff);
    assertEquals(255, img[3] & 0xff);
  }

  @Test
  void thresholdDecidesMaskAndDepth() {
    byte[] mask = new byte[W * H];
    byte[] dep = new byte[W * H * 4];
    Compositor.compose(grey(), depth(DepthEncoding.FLOAT32), W, H, fg(), false, 0, 0, 129,
        false, DepthEncoding.FLOAT32, 1f, new Compositor.Target(null, 0, mask, 0, dep, 0));
    assertEquals(255, mask[0] & 0xff);
    assertEquals(0, mask[1] & 0xff, "alpha 128 is below threshold 129");
    assertEquals(1f, DepthEncoding.FLOAT32.get(dep, 0));
    assertEquals(5f, DepthEncoding.FLOAT32.get(dep, 4));
  }

  @Test
  void scaledForegroundBoxIsTight() {
    ScaledForeground f = fg();
    assertEquals(0, f.x0());
    assertEquals(2, f.x1());
    ScaledForeground g = ScaledForeground.of(fg().rgba(), 2, 1, 129);
    assertEquals(1, g.x1());
    ScaledForeground empty = ScaledForeground.of(new byte[8], 2, 1, 1);
    assertEquals(0, empty.x1());
  }
}
