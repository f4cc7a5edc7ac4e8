package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.synth.Resampler;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A sidecar mask fitted to its cut-out. Hand-drawn masks are often a pixel off, or drawn at
 * another scale: a mask whose aspect ratio matches the cut-out's (within
 * {@link #ASPECT_TOLERANCE}, or within {@link #PIXEL_TOLERANCE} pixels on either side once
 * scaled to the other's width or height) is resampled to the cut-out's size, whatever the
 * scale. A mask that does not fit (another shape, turned on its side) is a problem naming both
 * sizes.
 */
final class MaskFit {
  /** Aspect ratios within this fraction of each other match. */
  static final double ASPECT_TOLERANCE = 0.03;
  /** Or: scaled to the cut-out's width (height), the other side is off by at most this. */
  static final double PIXEL_TOLERANCE = 2;

  private MaskFit() {}

  /** Whether a {@code mw}×{@code mh} mask fits a {@code cw}×{@code ch} cut-out. */
  static boolean fits(int mw, int mh, int cw, int ch) {
    double mask = (double) mw / mh;
    double cut = (double) cw / ch;
    if (Math.abs(mask / cut - 1) <= ASPECT_TOLERANCE) {
      return true;
    }
    // Scaled to the cut-out's width, the height is off by …; scaled to its height, the width.
    return Math.abs((double) mh * cw / mw - ch) <= PIXEL_TOLERANCE
        || Math.abs((double) mw * ch / mh - cw) <= PIXEL_TOLERANCE;
  }

  /**
   * The mask's values at the cut-out's size; {@code m} itself when the sizes are equal.
   *
   * @throws FgbgException naming the mask file and both sizes when it does not fit
   */
  static byte[] fit(byte[] values, int mw, int mh, int cw, int ch, Path maskFile) {
    if (mw == cw && mh == ch) {
      return values;
    }
    if (!fits(mw, mh, cw, ch)) {
      throw FgbgException.invalidConfig(String.format(Locale.ROOT, "mask %s is %dx%d but the "
          + "cut-out is %dx%d (a mask is resampled when its aspect ratio is within %.0f%% of the "
          + "cut-out's, or %.0f px on a side, at any scale; this one is another shape)",
          maskFile, mh, mw, ch, cw, ASPECT_TOLERANCE * 100, PIXEL_TOLERANCE));
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = values[i] & 0xff;
    }
    float[] r = Resampler.resize(f, mw, mh, 1, cw, ch);
    byte[] out = new byte[r.length];
    for (int i = 0; i < r.length; i++) {
      out[i] = (byte) Math.max(0, Math.min(255, Math.round(r[i])));
    }
    return out;
  }
}
