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
import javax.imageio.ImageIO;

/**
 * A PNG grid, one row per sample: image | mask | depth (colour-mapped, near = bright), each row
 * under a caption "i=… bg=… fg=… flip=… k=…" drawn with a built-in pixel font (no system fonts
 * needed on a headless server).
 */
public final class Gallery {
  public static final int MAX_ROWS = 64;
  public static final int DEFAULT_ROWS = 8;
  private static final int GAP = 4;
  private static final int CAPTION = 16;

  private Gallery() {}

  /**
   * Indices spread over the dataset by a golden-ratio stride, so that rows differ in
   * background, foreground, flip and placement alike.
   */
  public static long[] spread(Dataset d, int count) {
    int n = count <= 0 ? DEFAULT_ROWS : count;
    if (n > MAX_ROWS) {
      throw FgbgException.invalidArgument("count " + count + " must be at most " + MAX_ROWS);
    }
    n = (int) Math.min(n, d.size());
    long[] out = new long[n];
    double golden = 0.6180339887498949;
    for (int k = 0; k < n; k++) {
      double f = (0.5 + k * golden) % 1.0;
      out[k] = Math.min(d.size() - 1, (long) (f * d.size()));
    }
    return out;
  }

  public static BufferedImage render(Dataset d, long seed, long[] indices) {
    if (indices.length == 0 || indices.length > MAX_ROWS) {
      throw FgbgException.invalidArgument("a gallery shows 1 to " + MAX_ROWS + " samples, asked "
          + "for " + indices.length);
    }
    int w = d.spec().width();
    int h = d.spec().height();
    int cols = d.hasDepth() ? 3 : 2;
    int width = cols * w + (cols + 1) * GAP;
    int rowH = h + CAPTION + GAP;
    BufferedImage out = new BufferedImage(width, indices.length * rowH + GAP,
        BufferedImage.TYPE_INT_RGB);
    int[] bg = new int[out.getWidth() * out.getHeight()];
    Arrays.fill(bg, 0x202020);
    out.setRGB(0, 0, out.getWidth(), out.getHeight(), bg, 0, out.getWidth());
    for (long i : indices) {
      d.checkIndex(i);
    }
    RenderedBatch all = Renderer.renderNow(d, seed, indices, Outputs.all(d),
        DepthEncoding.FLOAT32);
    int[] px = new int[w * h];
    byte[] img = new byte[w * h * 3];
    byte[] mask = new byte[w * h];
    byte[] depth = d.hasDepth() ? new byte[w * h * 4] : null;
    for (int r = 0; r < indices.length; r++) {
      System.arraycopy(all.images(), r * img.length, img, 0, img.length);
      System.arraycopy(all.masks(), r * mask.length, mask, 0, mask.length);
      if (depth != null) {
        System.arraycopy(all.depth(), r * depth.length, depth, 0, depth.length);
      }
      SampleInfo s = all.infos()[r];
      int y0 = GAP + r * rowH;
      PixelFont.draw(out, GAP, y0 + 3, String.format("i=%d bg=%d fg=%d flip=%d k=%d",
          indices[r], s.bg(), s.fg(), s.flip() ? 1 : 0, s.k()), 0xE0E0E0);
      int top = y0 + CAPTION;
      for (int p = 0; p < px.length; p++) {
        px[p] = ((img[p * 3] & 0xff) << 16) | ((img[p * 3 + 1] & 0xff) << 8) | (img[p * 3 + 2] & 0xff);
      }
      out.setRGB(GAP, top, w, h, px, 0, w);
      for (int p = 0; p < px.length; p++) {
        int m = mask[p] & 0xff;
        px[p] = (m << 16) | (m << 8) | m;
      }
      out.setRGB(2 * GAP + w, top, w, h, px, 0, w);
      if (depth != null) {
        float[] f = new float[w * h];
        for (int p = 0; p < f.length; p++) {
          f[p] = DepthEncoding.FLOAT32.get(depth, p * 4);
        }
        int[] c = DepthColors.colorize(f);
        out.setRGB(3 * GAP + 2 * w, top, w, h, c, 0, w);
      }
    }
    return out;
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
