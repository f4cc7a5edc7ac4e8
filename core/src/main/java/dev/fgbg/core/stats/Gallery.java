package dev.fgbg.core.stats;

import dev.fgbg.common.DepthColors;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.synth.DepthEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG grid, one row per sample: image | mask | depth, each row under a caption "i=… bg=…
 * fg=… flip=… k=…" drawn with a built-in pixel font (no system fonts needed on a headless
 * server). Depth is colour-mapped on one log scale for the whole grid (near = bright), read by
 * the colour bar at the right, labelled in the dataset's depth units. Small datasets are scaled
 * up by a whole factor (nearest neighbour, so pixels stay exact) until a cell is at least
 * {@link #MIN_CELL} pixels and the caption fits.
 */
public final class Gallery {
  public static final int MAX_ROWS = 64;
  public static final int DEFAULT_ROWS = 8;
  static final int MIN_CELL = 96;
  /** The largest grid, in pixels (a 256 MB image), so no size computation can overflow. */
  static final long MAX_PIXELS = 64L << 20;
  private static final int GAP = 4;
  private static final int CAPTION = 16;
  private static final int BAR = 12;
  private static final String CAPTION_WIDEST = "i=0000000 bg=000 fg=000 flip=0 k=00";

  private Gallery() {}

  /**
   * {@code count} indices evenly spaced over [0, N): row k shows sample ⌊(k + ½)·N / count⌋,
   * the middle of the k-th of {@code count} equal parts of the index space.
   */
  public static long[] spread(Dataset d, int count) {
    if (count < 0 || count > MAX_ROWS) {
      throw FgbgException.invalidArgument("count " + count + " must be in [0, " + MAX_ROWS
          + "] (0 means " + DEFAULT_ROWS + ")");
    }
    int n = count == 0 ? DEFAULT_ROWS : count;
    n = (int) Math.min(n, d.size());
    long[] out = new long[n];
    for (int k = 0; k < n; k++) {
      out[k] = (long) ((k + 0.5) * d.size() / n);
    }
    return out;
  }

  /** The whole factor cells of a {@code w}×{@code h} dataset are drawn at. */
  static int scale(int w, int h, int cols) {
    int s = Math.max(1, (MIN_CELL + Math.min(w, h) - 1) / Math.min(w, h));
    int caption = PixelFont.width(CAPTION_WIDEST);
    while (cols * w * s + (cols - 1) * GAP < caption) {
      s++;
    }
    return s;
  }

  public static BufferedImage render(Dataset d, long seed, long[] indices) {
    if (indices.length == 0 || indices.length > MAX_ROWS) {
      throw FgbgException.invalidArgument("a gallery shows 1 to " + MAX_ROWS + " samples, asked "
          + "for " + indices.length);
    }
    for (long i : indices) {
      d.checkIndex(i);
    }
    int w = d.spec().width();
    int h = d.spec().height();
    int cols = d.hasDepth() ? 3 : 2;
    int s = scale(w, h, cols);
    int cw = w * s;
    int ch = h * s;
    long rowPixels = ((long) cols * cw + (cols + 2) * GAP + BAR + 64) * (ch + CAPTION + GAP);
    if (rowPixels * indices.length > MAX_PIXELS) {
      throw FgbgException.invalidArgument("a gallery of " + indices.length + " rows of " + w
          + "x" + h + " samples would be over " + (MAX_PIXELS >> 20) + " M pixels; ask for at "
          + "most " + Math.max(1, MAX_PIXELS / rowPixels) + " rows");
    }
    RenderedBatch all = Renderer.renderNow(d, seed, indices, Outputs.all(d),
        DepthEncoding.FLOAT32);
    float[][] depth = new float[indices.length][];
    float near = Float.MAX_VALUE;
    float far = -Float.MAX_VALUE;
    for (int r = 0; r < indices.length && d.hasDepth(); r++) {
      depth[r] = new float[w * h];
      for (int p = 0; p < w * h; p++) {
        depth[r][p] = DepthEncoding.FLOAT32.get(all.depth(), (r * w * h + p) * 4);
      }
      float[] range = DepthColors.range(depth[r]);
      if (range != null) {
        near = Math.min(near, range[0]);
        far = Math.max(far, range[1]);
      }
    }
    boolean bar = far >= near;
    int barArea = bar ? GAP + BAR + GAP + PixelFont.width("00.00 m") : 0;
    int rowH = ch + CAPTION + GAP;
    BufferedImage out = new BufferedImage(cols * cw + (cols + 1) * GAP + barArea,
        indices.length * rowH + GAP, BufferedImage.TYPE_INT_RGB);
    int[] fill = new int[out.getWidth() * out.getHeight()];
    Arrays.fill(fill, 0x202020);
    out.setRGB(0, 0, out.getWidth(), out.getHeight(), fill, 0, out.getWidth());
    int[] px = new int[w * h];
    for (int r = 0; r < indices.length; r++) {
      SampleInfo info = all.infos()[r];
      int y0 = GAP + r * rowH;
      PixelFont.draw(out, GAP, y0 + 3, String.format("i=%d bg=%d fg=%d flip=%d k=%d",
          indices[r], info.bg(), info.fg(), info.flip() ? 1 : 0, info.k()), 0xE0E0E0);
      int top = y0 + CAPTION;
      int img = r * w * h * 3;
      for (int p = 0; p < px.length; p++) {
        px[p] = ((all.images()[img + p * 3] & 0xff) << 16)
            | ((all.images()[img + p * 3 + 1] & 0xff) << 8) | (all.images()[img + p * 3 + 2] & 0xff);
      }
      cell(out, GAP, top, px, w, h, s);
      for (int p = 0; p < px.length; p++) {
        int m = all.masks()[r * w * h + p] & 0xff;
        px[p] = (m << 16) | (m << 8) | m;
      }
      cell(out, 2 * GAP + cw, top, px, w, h, s);
      if (depth[r] != null) {
        int[] c = bar ? DepthColors.colorize(depth[r], near, far) : new int[w * h];
        cell(out, 3 * GAP + 2 * cw, top, c, w, h, s);
      }
    }
    if (bar) {
      colourBar(out, 4 * GAP + 3 * cw, GAP + CAPTION, out.getHeight() - GAP, near, far,
          d.depthUnits());
    }
    return out;
  }

  /** Draws a w×h cell at (x, y), each pixel as an s×s block. */
  private static void cell(BufferedImage out, int x, int y, int[] px, int w, int h, int s) {
    if (s == 1) {
      out.setRGB(x, y, w, h, px, 0, w);
      return;
    }
    int[] line = new int[w * s];
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        Arrays.fill(line, col * s, (col + 1) * s, px[row * w + col]);
      }
      for (int k = 0; k < s; k++) {
        out.setRGB(x, y + row * s + k, w * s, 1, line, 0, w * s);
      }
    }
  }

  /** The ramp from near (top) to far (bottom), with the depth at top, middle and bottom. */
  private static void colourBar(BufferedImage out, int x, int top, int bottom, float near,
      float far, String units) {
    int span = Math.max(1, bottom - top - 1);
    for (int y = top; y < bottom; y++) {
      int c = DepthColors.ramp((double) (y - top) / span);
      for (int k = 0; k < BAR; k++) {
        out.setRGB(x + k, y, c);
      }
    }
    String unit = units.equals("metres") ? " m" : "";
    int lx = x + BAR + GAP;
    PixelFont.draw(out, lx, top, label(near) + unit, 0xE0E0E0);
    PixelFont.draw(out, lx, (top + bottom) / 2 - 5, label(DepthColors.at(0.5, near, far))
        + unit, 0xE0E0E0);
    PixelFont.draw(out, lx, bottom - 10, label(far) + unit, 0xE0E0E0);
  }

  private static String label(double v) {
    return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
  }

  public static byte[] png(BufferedImage img) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }
}
