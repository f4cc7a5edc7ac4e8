package dev.fgbg.core.synth;

/**
 * Separable resampling with a triangle filter whose support widens when shrinking, so downscaling
 * averages (no aliasing) and upscaling is bilinear. Works on interleaved float channels.
 */
public final class Resampler {
  private Resampler() {}

  /** Resizes {@code src} (sw×sh×channels, interleaved) to dw×dh. */
  public static float[] resize(float[] src, int sw, int sh, int channels, int dw, int dh) {
    Taps xt = taps(sw, dw);
    Taps yt = taps(sh, dh);
    float[] mid = new float[dw * sh * channels];
    for (int y = 0; y < sh; y++) {
      int srow = y * sw * channels;
      int mrow = y * dw * channels;
      for (int x = 0; x < dw; x++) {
        int start = xt.start[x];
        int n = xt.count[x];
        int wo = xt.offset[x];
        for (int c = 0; c < channels; c++) {
          double acc = 0;
          for (int t = 0; t < n; t++) {
            acc += xt.weight[wo + t] * src[srow + (start + t) * channels + c];
          }
          mid[mrow + x * channels + c] = (float) acc;
        }
      }
    }
    return vertical(mid, dw, channels, yt, dh);
  }

  /** The second, vertical pass over the horizontally resized rows. */
  private static float[] vertical(float[] mid, int dw, int channels, Taps yt, int dh) {
    float[] out = new float[dw * dh * channels];
    int rowLen = dw * channels;
    for (int y = 0; y < dh; y++) {
      int start = yt.start[y];
      int n = yt.count[y];
      int wo = yt.offset[y];
      int orow = y * rowLen;
      for (int t = 0; t < n; t++) {
        double w = yt.weight[wo + t];
        int mrow = (start + t) * rowLen;
        for (int i = 0; i < rowLen; i++) {
          out[orow + i] += (float) (w * mid[mrow + i]);
        }
      }
    }
    return out;
  }

  /** Filter taps for one axis; contiguous source ranges, normalised weights. */
  private record Taps(int[] start, int[] count, int[] offset, double[] weight) {}

  private static Taps taps(int s, int d) {
    double scale = (double) s / d;
    double support = Math.max(1.0, scale);
    int[] start = new int[d];
    int[] count = new int[d];
    int[] offset = new int[d];
    int maxTaps = (int) Math.ceil(support * 2) + 2;
    double[] weight = new double[d * maxTaps];
    for (int o = 0; o < d; o++) {
      double center = (o + 0.5) * scale;
      int lo = Math.max(0, (int) Math.floor(center - support));
      int hi = Math.min(s - 1, (int) Math.ceil(center + support));
      double sum = 0;
      int n = 0;
      int wo = o * maxTaps;
      int first = -1;
      for (int i = lo; i <= hi && n < maxTaps; i++) {
        double w = 1.0 - Math.abs(i + 0.5 - center) / support;
        if (w <= 0) {
          if (first < 0) {
            continue;
          }
          break;
        }
        if (first < 0) {
          first = i;
        }
        weight[wo + n++] = w;
        sum += w;
      }
      if (n == 0) {
        // Degenerate (tiny upscale at an edge): take the nearest pixel.
        first = Math.min(s - 1, Math.max(0, (int) center));
        weight[wo] = 1;
        n = 1;
        sum = 1;
      }
      for (int t = 0; t < n; t++) {
        weight[wo + t] /= sum;
      }
      start[o] = first;
      count[o] = n;
      offset[o] = wo;
    }
    return new Taps(start, count, offset, weight);
  }

  /** Centre-crops an RGB image to the aspect of dw×dh, then resizes it; bytes in, bytes out. */
  public static byte[] cropResizeRgb(byte[] rgb, int sw, int sh, int dw, int dh) {
    return cropResizeRgb(rgb, 3, sw, sh, dw, dh);
  }

  /**
   * {@link #cropResizeRgb(byte[], int, int, int, int)} of the first three of {@code stride}
   * interleaved bytes a pixel (3 for RGB, 4 for RGBA, whose alpha is ignored). The horizontal
   * pass reads the bytes in place, so a large photo costs no copy of itself (a float copy of
   * the crop was 12 bytes a pixel); each value is the same as through a float copy, since
   * every byte is exact as a float.
   */
  public static byte[] cropResizeRgb(byte[] px, int stride, int sw, int sh, int dw, int dh) {
    int cw = sw;
    int ch = sh;
    if ((long) sw * dh > (long) sh * dw) {
      cw = (int) Math.max(1, Math.round((double) sh * dw / dh));
    } else {
      ch = (int) Math.max(1, Math.round((double) sw * dh / dw));
    }
    int x0 = (sw - cw) / 2;
    int y0 = (sh - ch) / 2;
    byte[] out = new byte[dw * dh * 3];
    if (cw == dw && ch == dh) {
      for (int y = 0; y < ch; y++) {
        for (int x = 0; x < cw; x++) {
          int s = ((y0 + y) * sw + x0 + x) * stride;
          int d = (y * cw + x) * 3;
          out[d] = px[s];
          out[d + 1] = px[s + 1];
          out[d + 2] = px[s + 2];
        }
      }
      return out;
    }
    Taps xt = taps(cw, dw);
    float[] mid = new float[dw * ch * 3];
    for (int y = 0; y < ch; y++) {
      int srow = ((y0 + y) * sw + x0) * stride;
      int mrow = y * dw * 3;
      for (int x = 0; x < dw; x++) {
        int start = xt.start[x];
        int n = xt.count[x];
        int wo = xt.offset[x];
        for (int c = 0; c < 3; c++) {
          double acc = 0;
          for (int t = 0; t < n; t++) {
            acc += xt.weight[wo + t] * (px[srow + (start + t) * stride + c] & 0xff);
          }
          mid[mrow + x * 3 + c] = (float) acc;
        }
      }
    }
    float[] r = vertical(mid, dw, 3, taps(ch, dh), dh);
    for (int i = 0; i < out.length; i++) {
      out[i] = toByte(r[i]);
    }
    return out;
  }

  /**
   * Resizes straight-alpha RGBA bytes, filtering in premultiplied space so that transparent
   * pixels do not bleed their colour into the edge.
   */
  public static byte[] resizeRgba(byte[] rgba, int sw, int sh, int dw, int dh) {
    float[] f = new float[sw * sh * 4];
    for (int i = 0; i < sw * sh; i++) {
      float a = (rgba[i * 4 + 3] & 0xff) / 255f;
      f[i * 4] = (rgba[i * 4] & 0xff) * a;
      f[i * 4 + 1] = (rgba[i * 4 + 1] & 0xff) * a;
      f[i * 4 + 2] = (rgba[i * 4 + 2] & 0xff) * a;
      f[i * 4 + 3] = a;
    }
    float[] r = resize(f, sw, sh, 4, dw, dh);
    byte[] out = new byte[dw * dh * 4];
    for (int i = 0; i < dw * dh; i++) {
      float a = r[i * 4 + 3];
      if (a > 1e-6f) {
        out[i * 4] = toByte(r[i * 4] / a);
        out[i * 4 + 1] = toByte(r[i * 4 + 1] / a);
        out[i * 4 + 2] = toByte(r[i * 4 + 2] / a);
      }
      out[i * 4 + 3] = toByte(a * 255f);
    }
    return out;
  }

  static byte toByte(float v) {
    int i = Math.round(v);
    return (byte) (i < 0 ? 0 : Math.min(i, 255));
  }
}
