package dev.fgbg.core.synth;

/**
 * A cut-out smeared along one direction, as a moving object or camera makes it: each pixel is
 * the average of {@code length} samples along the line through it, colour weighted by alpha
 * (premultiplied), on a canvas grown by the smear. Offsets are whole pixels and the angle's
 * sine and cosine come from {@link StrictMath}, so the result is exact on every machine.
 *
 * @param rgba straight-alpha RGBA of the smeared cut-out
 * @param dx where its left column lies relative to the unsmeared cut-out's (≤ 0)
 * @param dy where its top row lies relative to the unsmeared cut-out's (≤ 0)
 */
public record MotionBlur(byte[] rgba, int width, int height, int dx, int dy) {

  /** Smears {@code rgba} (w×h) over {@code length} pixels at {@code angle} radians. */
  public static MotionBlur apply(byte[] rgba, int w, int h, int length, double angle) {
    int[] ox = new int[length];
    int[] oy = new int[length];
    int mx = 0;
    int my = 0;
    double c = StrictMath.cos(angle);
    double s = StrictMath.sin(angle);
    for (int k = 0; k < length; k++) {
      double t = k - (length - 1) / 2.0;
      ox[k] = (int) Math.round(t * c);
      oy[k] = (int) Math.round(t * s);
      mx = Math.max(mx, Math.abs(ox[k]));
      my = Math.max(my, Math.abs(oy[k]));
    }
    int ow = w + 2 * mx;
    int oh = h + 2 * my;
    // Premultiplied colour and alpha on a canvas padded by twice the smear, so that every tap
    // of every output pixel reads inside it (zeros beyond the cut-out) with no bounds checks.
    int pw = w + 4 * mx;
    int[] pre = new int[pw * (h + 4 * my) * 4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * 4;
        int a = rgba[p + 3] & 0xff;
        int q = ((y + 2 * my) * pw + x + 2 * mx) * 4;
        pre[q] = (rgba[p] & 0xff) * a;
        pre[q + 1] = (rgba[p + 1] & 0xff) * a;
        pre[q + 2] = (rgba[p + 2] & 0xff) * a;
        pre[q + 3] = a;
      }
    }
    int[] delta = new int[length];
    for (int k = 0; k < length; k++) {
      delta[k] = (-oy[k] * pw - ox[k]) * 4;
    }
    byte[] out = new byte[ow * oh * 4];
    for (int v = 0; v < oh; v++) {
      for (int u = 0; u < ow; u++) {
        int base = ((v + my) * pw + u + mx) * 4;
        long r = 0;
        long g = 0;
        long b = 0;
        int a = 0;
        for (int k = 0; k < length; k++) {
          int q = base + delta[k];
          r += pre[q];
          g += pre[q + 1];
          b += pre[q + 2];
          a += pre[q + 3];
        }
        if (a == 0) {
          continue;
        }
        int q = (v * ow + u) * 4;
        out[q] = (byte) ((r + a / 2) / a);
        out[q + 1] = (byte) ((g + a / 2) / a);
        out[q + 2] = (byte) ((b + a / 2) / a);
        out[q + 3] = (byte) ((a + length / 2) / length);
      }
    }
    return new MotionBlur(out, ow, oh, -mx, -my);
  }
}
