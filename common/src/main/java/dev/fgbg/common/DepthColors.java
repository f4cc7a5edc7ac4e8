package dev.fgbg.common;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Turns a depth map into viewable colours: log depth normalised over the map's own range,
 * near = bright yellow, far = dark purple (an inferno-like ramp). Shared by the CLI and
 * galleries so that every picture of depth reads the same way.
 */
public final class DepthColors {
  private static final int[] STOPS = {0xFCFFA4, 0xF98C0A, 0xBC3754, 0x57106E, 0x000004};
  /** The most values {@link #quantileRange} sorts (4 MB). */
  public static final int QUANTILE_VALUES = 1 << 20;

  private DepthColors() {}

  /** Packed 0xRRGGBB per value over the map's own range; non-positive or non-finite are black. */
  public static int[] colorize(float[] depth) {
    float[] r = range(depth);
    return r == null ? new int[depth.length] : colorize(depth, r[0], r[1]);
  }

  /**
   * Packed 0xRRGGBB per value on the log scale from {@code near} (bright) to {@code far}
   * (dark), so several maps can share one colour bar; values outside are clamped, non-positive
   * or non-finite ones are black.
   */
  public static int[] colorize(float[] depth, float near, float far) {
    double lo = Math.log(near);
    double hi = Math.log(far);
    double span = hi > lo ? hi - lo : 1;
    int[] out = new int[depth.length];
    for (int i = 0; i < depth.length; i++) {
      float v = depth[i];
      if (v > 0 && Float.isFinite(v)) {
        out[i] = ramp((Math.log(v) - lo) / span);
      }
    }
    return out;
  }

  /** {nearest, farthest} positive finite value of {@code depth}, or null when there is none. */
  public static float[] range(float[] depth) {
    float lo = Float.MAX_VALUE;
    float hi = -Float.MAX_VALUE;
    for (float v : depth) {
      if (v > 0 && Float.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return hi < lo ? null : new float[] {lo, hi};
  }

  /**
   * {the {@code low} quantile, the {@code high} quantile} (fractions in [0, 1]) of the positive
   * finite values of {@code depth}, or null when there is none: a colour scale that a few
   * stray pixels (a near-zero speck, a far hole) cannot stretch. Nearest-rank quantiles, of
   * every value up to {@link #QUANTILE_VALUES} of them, else of that many evenly spaced ones.
   */
  public static float[] quantileRange(float[] depth, double low, double high) {
    int step = Math.max(1, (depth.length + QUANTILE_VALUES - 1) / QUANTILE_VALUES);
    float[] valid = new float[(depth.length + step - 1) / step];
    int n = 0;
    for (int i = 0; i < depth.length; i += step) {
      float v = depth[i];
      if (v > 0 && Float.isFinite(v)) {
        valid[n++] = v;
      }
    }
    if (n == 0) {
      return null;
    }
    Arrays.sort(valid, 0, n);
    return new float[] {valid[rank(low, n)], valid[rank(high, n)]};
  }

  private static int rank(double q, int n) {
    return (int) Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))));
  }

  /** The depth at position t in [0, 1] of the log scale from near to far (for bar labels). */
  public static double at(double t, float near, float far) {
    return Math.exp(Math.log(near) + t * (Math.log(far) - Math.log(near)));
  }

  /** Colour at t in [0, 1] along the ramp. */
  public static int ramp(double t) {
    double x = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
    int i = Math.min(STOPS.length - 2, (int) x);
    double f = x - i;
    int a = STOPS[i];
    int b = STOPS[i + 1];
    int r = (int) Math.round(((a >> 16) & 255) * (1 - f) + ((b >> 16) & 255) * f);
    int g = (int) Math.round(((a >> 8) & 255) * (1 - f) + ((b >> 8) & 255) * f);
    int bl = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
    return (r << 16) | (g << 8) | bl;
  }

  /** Decodes little-endian depth bytes: float16 when {@code bytesPerValue} is 2, else float32. */
  public static float[] decode(ByteString bytes, int bytesPerValue) {
    boolean half = bytesPerValue == 2;
    int n = bytes.size() / (half ? 2 : 4);
    float[] out = new float[n];
    ByteBuffer b = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      out[i] = half ? Float16.toFloat(b.getShort()) : b.getFloat();
    }
    return out;
  }
}
