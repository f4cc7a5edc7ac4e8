package dev.fgbg.core.assets;

import dev.fgbg.core.Quoted;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * What a cut-out's border (its outermost ring of pixels) says about it. Luminance masks make
 * bright pixels opaque, which suits a light object on black (a white digit); an image whose
 * border is mostly light, or mostly one flat colour that is not dark, is most likely an object
 * on a plain background (a shop photo on white), whose luminance mask would paste that
 * background as the object. So the refusal of such an image without alpha does not offer
 * luminance, and luminance masks opaque along most of their border get one start-up warning.
 */
final class PlainBorder {
  /** A border pixel this bright (or a mask this high) is at least half opaque. */
  private static final int OPAQUE = 128;
  /** A flat border darker than this is the black that luminance masks expect. */
  private static final int DARK = 48;
  /** How far, per channel, a border pixel may be from the border's median and still match. */
  private static final int FLAT = 12;

  private PlainBorder() {}

  /** The refusal's words for a cut-out without alpha, its pixels {@code rgba}, no mask given. */
  static String noAlpha(byte[] rgba, int w, int h) {
    int[] ring = ring(w, h);
    String border = null;
    if (mostly(ring, i -> (FolderAssets.luma(rgba, i * 4) & 0xff) >= OPAQUE)) {
      border = "light";
    } else {
      int[] median = median(rgba, ring);
      if (median[3] >= DARK && mostly(ring, i -> near(rgba, i * 4, median))) {
        border = String.format(Locale.ROOT, "one flat colour (RGB %d, %d, %d)", median[0],
            median[1], median[2]);
      }
    }
    if (border == null) {
      return "has no alpha channel; give a mask folder (--fg-masks DIR, same file names) or "
          + "--mask-from luminance (bright = opaque, as for a white digit on black)";
    }
    return "has no alpha channel and its border is mostly " + border + ": it looks like an "
        + "object on a plain background, which fgbg does not cut out (--mask-from luminance, "
        + "which makes bright pixels opaque, would paste that background as the object); give "
        + "a mask folder (--fg-masks DIR, same file names) made with a background-removal "
        + "tool, or save the cut-out again with transparency (a PNG with alpha)";
  }

  /** Whether the alpha of {@code rgba} is at least half opaque along most of its border. */
  static boolean opaque(byte[] rgba, int w, int h) {
    return mostly(ring(w, h), i -> (rgba[i * 4 + 3] & 0xff) >= OPAQUE);
  }

  /**
   * The start-up warning for the luminance masks of {@code names} (of {@code total}
   * foregrounds) that are opaque along most of their border; null: none.
   */
  static String line(String dataset, List<String> names, int total) {
    if (names.isEmpty()) {
      return null;
    }
    return String.format(Locale.ROOT, "dataset %s: %d of %d foregrounds' luminance masks "
        + "(--mask-from luminance: bright = opaque) are opaque along most of their border "
        + "(e.g. %s), so a light background is pasted as the object: they look like objects "
        + "on a light or plain background, not light objects on black (a white digit). For "
        + "those give a mask folder (--fg-masks DIR, same file names) made with a "
        + "background-removal tool, or save the cut-outs with transparency (PNGs with alpha)",
        Quoted.of(dataset), names.size(), total, names.get(0));
  }

  /** Whether {@code t} holds for more than half the pixels of {@code ring}. */
  private static boolean mostly(int[] ring, IntPredicate t) {
    int n = 0;
    for (int i : ring) {
      if (t.test(i)) {
        n++;
      }
    }
    return 2 * n > ring.length;
  }

  /** The indices of the pixels of the outermost ring, each once. */
  private static int[] ring(int w, int h) {
    if (w <= 2 || h <= 2) { // every pixel is on the border
      int[] all = new int[w * h];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] out = new int[2 * w + 2 * (h - 2)];
    int k = 0;
    for (int x = 0; x < w; x++) {
      out[k++] = x;
      out[k++] = (h - 1) * w + x;
    }
    for (int y = 1; y < h - 1; y++) {
      out[k++] = y * w;
      out[k++] = y * w + w - 1;
    }
    return out;
  }

  /** The border's median red, green and blue, and that colour's luma. */
  private static int[] median(byte[] rgba, int[] ring) {
    int[] out = new int[4];
    for (int c = 0; c < 3; c++) {
      int[] count = new int[256];
      for (int i : ring) {
        count[rgba[i * 4 + c] & 0xff]++;
      }
      int v = 0;
      int seen = count[0];
      while (2 * seen < ring.length) { // up to the value that holds the middle pixel
        seen += count[++v];
      }
      out[c] = v;
    }
    out[3] = FolderAssets.luma(new byte[] {(byte) out[0], (byte) out[1], (byte) out[2]}, 0)
        & 0xff;
    return out;
  }

  private static boolean near(byte[] rgba, int o, int[] colour) {
    for (int c = 0; c < 3; c++) {
      if (Math.abs((rgba[o + c] & 0xff) - colour[c]) > FLAT) {
        return false;
      }
    }
    return true;
  }
}
