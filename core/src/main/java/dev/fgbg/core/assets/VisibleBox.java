package dev.fgbg.core.assets;

/**
 * The box of a cut-out's visible pixels, and the cut-out trimmed to it. A cut-out saved on its
 * photo's whole canvas (as editors and background-removal tools save them) is mostly
 * transparent margin; the sampler sizes an object by its height and stands it on its bottom row,
 * so untrimmed margins would make it smaller than {@code fg_scale} and lift it off the ground.
 *
 * <p>A pixel is visible when its alpha (the mask's value, for masks from files or luminance)
 * reaches {@link #FAINT}, or the mask threshold when that is lower: alpha under 8 of 255 moves
 * no pasted pixel by more than 7 grey levels, and the stray faint alpha that matting leaves
 * across a canvas would otherwise keep the whole canvas. The box always holds every pixel of the
 * mask (the floor is never above the threshold), so no label is cut; only faint pixels outside
 * it are dropped.
 *
 * <p>A cut-out with fewer than {@link #MIN_PIXELS} visible pixels (less than a 4x4 square) is
 * no object: a stray speck of a matting result, trimmed to its box, would be scaled up and
 * pasted as a solid square with a full square mask. A thin stroke (an MNIST "1", two pixels
 * wide) has far more, so a box's side alone is not judged.
 */
final class VisibleBox {
  /** Alpha at or above this is visible (unless the mask threshold is lower). */
  static final int FAINT = 8;
  /** A cut-out needs at least this many visible pixels to be an object. */
  static final int MIN_PIXELS = 16;

  /** A cut-out of {@code width}×{@code height} straight RGBA, {@code visible} pixels of it. */
  record Cut(int width, int height, byte[] rgba, int visible) {
    /** Why the cut-out is too small to paste, or null. */
    String tooSmall() {
      if (visible >= MIN_PIXELS) {
        return null;
      }
      String box = height + "x" + width;
      return (visible == width * height ? "is only " + box + " visible pixels"
          : "has only " + visible + " visible pixels (in a " + box + " box)")
          + " after trimming its transparent border: too small to paste (a stray speck?); a "
          + "cut-out needs at least " + MIN_PIXELS + " visible pixels";
    }
  }

  private VisibleBox() {}

  /**
   * {@code rgba} ({@code w}×{@code h}) trimmed to its pixels whose alpha reaches
   * {@code min(maskAlpha, FAINT)}; the same array when there is nothing to trim or no such pixel.
   */
  static Cut trim(byte[] rgba, int w, int h, int maskAlpha) {
    int floor = Math.max(1, Math.min(maskAlpha, FAINT));
    int x0 = w;
    int y0 = h;
    int x1 = -1;
    int y1 = -1;
    int visible = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if ((rgba[(y * w + x) * 4 + 3] & 0xff) >= floor) {
          visible++;
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = y;
        }
      }
    }
    if (x1 < 0 || (x0 == 0 && y0 == 0 && x1 == w - 1 && y1 == h - 1)) {
      return new Cut(w, h, rgba, visible);
    }
    int tw = x1 - x0 + 1;
    int th = y1 - y0 + 1;
    byte[] out = new byte[tw * th * 4];
    for (int y = 0; y < th; y++) {
      int from = ((y0 + y) * w + x0) * 4;
      System.arraycopy(rgba, from, out, y * tw * 4, tw * 4);
    }
    return new Cut(tw, th, out, visible);
  }
}
