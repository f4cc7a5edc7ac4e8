package dev.fgbg.core.synth;

import java.util.Arrays;

/**
 * Pastes a scaled foreground onto a background: image by integer alpha blending, mask from the
 * alpha threshold (or the alpha itself), depth as the foreground's depth where the mask is set.
 *
 * <p>Writes straight into caller-owned arrays at offsets (a batch's buffers), allocates nothing,
 * and is exact integer arithmetic apart from the depth value the caller supplies.
 */
public final class Compositor {
  private Compositor() {}

  /**
   * Where the output of one sample goes; any array may be null when that output is not wanted.
   * {@code maskZeroed} says the mask region is already all zero (a fresh array), so clearing it
   * can be skipped. {@code instances} (H×W bytes) receives the instance-id mask: 0 for
   * background, 1..n for the labelled objects, by the nearest one at each pixel.
   */
  public record Target(byte[] image, int imageOff, byte[] mask, int maskOff, byte[] depth,
      int depthOff, boolean maskZeroed, byte[] instances, int instancesOff) {

    public Target(byte[] image, int imageOff, byte[] mask, int maskOff, byte[] depth,
        int depthOff, boolean maskZeroed) {
      this(image, imageOff, mask, maskOff, depth, depthOff, maskZeroed, null, 0);
    }

    public Target(byte[] image, int imageOff, byte[] mask, int maskOff, byte[] depth,
        int depthOff) {
      this(image, imageOff, mask, maskOff, depth, depthOff, false);
    }

    /** This target with the instance-id mask written to {@code instances} at {@code off}. */
    public Target withInstances(byte[] instances, int off) {
      return new Target(image, imageOff, mask, maskOff, depth, depthOff, maskZeroed, instances,
          off);
    }
  }

  /**
   * Alpha-blends straight-alpha {@code rgba} (fw×fh, mirrored when {@code flip}) onto the image
   * at {@code off} (width×height×3) with its top-left at (x, y); what falls outside is cut.
   * Integer and exact: out = (c·a + under·(255 − a) + 127) / 255.
   */
  public static void paint(byte[] img, int off, int width, int height, byte[] rgba, int fw,
      int fh, boolean flip, int x, int y) {
    int fx0 = Math.max(0, -x);
    int fx1 = Math.min(fw, width - x);
    int fy0 = Math.max(0, -y);
    int fy1 = Math.min(fh, height - y);
    for (int fy = fy0; fy < fy1; fy++) {
      int src = fy * fw * 4;
      int dst = off + ((y + fy) * width + x) * 3;
      for (int fx = fx0; fx < fx1; fx++) {
        int s = src + (flip ? fw - 1 - fx : fx) * 4;
        int a = rgba[s + 3] & 0xff;
        if (a == 0) {
          continue;
        }
        int d = dst + fx * 3;
        if (a == 255) {
          img[d] = rgba[s];
          img[d + 1] = rgba[s + 1];
          img[d + 2] = rgba[s + 2];
        } else {
          int inv = 255 - a;
          img[d] = (byte) (((rgba[s] & 0xff) * a + (img[d] & 0xff) * inv + 127) / 255);
          img[d + 1] = (byte) (((rgba[s + 1] & 0xff) * a + (img[d + 1] & 0xff) * inv + 127) / 255);
          img[d + 2] = (byte) (((rgba[s + 2] & 0xff) * a + (img[d + 2] & 0xff) * inv + 127) / 255);
        }
      }
    }
  }

  /**
   * The classic composite: one cut-out inside the image.
   *
   * @param bgRgb background, H×W×3
   * @param bgDepth background depth, already encoded in {@code enc}; null when there is no depth
   * @param fgDepth the foreground's depth (used only when depth is written)
   */
  public static void compose(byte[] bgRgb, byte[] bgDepth, int width, int height,
      ScaledForeground fg, boolean flip, int x, int y, int threshold, boolean softMask,
      DepthEncoding enc, float fgDepth, Target t) {
    int fw = fg.width();
    int fh = fg.height();
    byte[] rgba = fg.rgba();
    int pixels = width * height;
    byte[] img = t.image();
    if (img != null) {
      System.arraycopy(bgRgb, 0, img, t.imageOff(), pixels * 3);
      paint(img, t.imageOff(), width, height, rgba, fw, fh, flip, x, y);
    }
    byte[] mask = t.mask();
    if (mask != null) {
      if (!t.maskZeroed()) {
        Arrays.fill(mask, t.maskOff(), t.maskOff() + pixels, (byte) 0);
      }
      for (int fy = 0; fy < fh; fy++) {
        int src = fy * fw * 4 + 3;
        int dst = t.maskOff() + (y + fy) * width + x;
        for (int fx = 0; fx < fw; fx++) {
          int a = rgba[src + (flip ? fw - 1 - fx : fx) * 4] & 0xff;
          if (softMask) {
            mask[dst + fx] = (byte) a;
          } else if (a >= threshold) {
            mask[dst + fx] = (byte) 255;
          }
        }
      }
    }
    byte[] depth = t.depth();
    if (depth != null && bgDepth != null) {
      int bpv = enc.bytesPerValue();
      System.arraycopy(bgDepth, 0, depth, t.depthOff(), pixels * bpv);
      byte[] v = new byte[4];
      enc.put(v, 0, fgDepth);
      for (int fy = 0; fy < fh; fy++) {
        int src = fy * fw * 4 + 3;
        int dst = t.depthOff() + ((y + fy) * width + x) * bpv;
        for (int fx = 0; fx < fw; fx++) {
          if ((rgba[src + (flip ? fw - 1 - fx : fx) * 4] & 0xff) >= threshold) {
            int d = dst + fx * bpv;
            depth[d] = v[0];
            depth[d + 1] = v[1];
            if (bpv == 4) {
              depth[d + 2] = v[2];
              depth[d + 3] = v[3];
            }
          }
        }
      }
    }
  }
}
