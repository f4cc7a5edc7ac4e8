package dev.fgbg.core.assets.builtin;

/** Packed 0xRRGGBB arithmetic shared by the backgrounds and the foregrounds. */
final class Colours {
  private Colours() {}

  /** The fractional part, in [0, 1) also for negative values. */
  static double frac(double v) {
    return v - Math.floor(v);
  }

  /** Each channel times {@code k}, rounded and clamped. */
  static int scale(int rgb, double k) {
    int r = clamp((int) Math.round(((rgb >>> 16) & 0xff) * k));
    int g = clamp((int) Math.round(((rgb >>> 8) & 0xff) * k));
    int b = clamp((int) Math.round((rgb & 0xff) * k));
    return (r << 16) | (g << 8) | b;
  }

  /** From {@code a} at t = 0 to {@code b} at t = 1, per channel. */
  static int mix(int a, int b, double t) {
    int r = (int) Math.round(((a >>> 16) & 0xff) * (1 - t) + ((b >>> 16) & 0xff) * t);
    int g = (int) Math.round(((a >>> 8) & 0xff) * (1 - t) + ((b >>> 8) & 0xff) * t);
    int bl = (int) Math.round((a & 0xff) * (1 - t) + (b & 0xff) * t);
    return (clamp(r) << 16) | (clamp(g) << 8) | clamp(bl);
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(255, v);
  }
}
