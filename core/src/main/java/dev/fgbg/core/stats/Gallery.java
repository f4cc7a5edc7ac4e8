package dev.fgbg.core.stats;

import dev.fgbg.common.DepthColors;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.synth.IndexCodec;
import dev.fgbg.core.synth.PlacementRng;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOWriteProgressListener;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A PNG grid under a line of column headers, one row per sample: image | mask | depth
 * (| instances, when asked), each row under a two-line caption
 * ("i=… bg=… fg=… flip=… k=…", then the background and foreground label
 * names) drawn with a built-in pixel font (no system fonts needed on a headless server). Depth
 * is colour-mapped on one log scale for the whole grid (near = bright) between the
 * {@link #NEAR_QUANTILE} and {@link #FAR_QUANTILE} of the grid's depth values, so that a stray
 * pixel cannot stretch it, read by the colour bar at the right, labelled in the dataset's depth
 * units. Small datasets are scaled up by a whole factor (nearest neighbour, so pixels stay exact)
 * until a cell is at least {@link #MIN_CELL} pixels and the caption fits.
 */
public final class Gallery {
  public static final int MAX_ROWS = 64;
  public static final int DEFAULT_ROWS = 8;
  static final int MIN_CELL = 96;
  static final double NEAR_QUANTILE = 0.01;
  static final double FAR_QUANTILE = 0.99;
  /** The largest grid, in pixels (a 256 MB image), so no size computation can overflow. */
  static final long MAX_PIXELS = 64L << 20;
  static final int GAP = 4;
  /** The column headers' line ("image", "mask", "depth", …) above the first row. */
  static final int HEADER = PixelFont.HEIGHT + GAP;
  /** Two lines of text, 2 px above each. */
  static final int CAPTION = 2 * (PixelFont.HEIGHT + 2) + GAP;
  static final int BAR = 12;
  private static final String CAPTION_WIDEST = "i=0000000 bg=000 fg=000 flip=0 k=00";
  /** Key the row draws apart from epoch orders and subsets of the same seed. */
  private static final long BG_KEY = 0x47414C4C45525942L;
  private static final long FG_KEY = 0x47414C4C45525946L;

  private Gallery() {}

  /**
   * {@code count} samples (0: {@link #DEFAULT_ROWS}) drawn from {@code seed}, each background
   * and each cut-out at most once until the dataset has no unused one: row r pairs the r-th
   * background and foreground of two seeded permutations (after every pair of the two has been
   * shown once, the pairs shift so that none repeats before all B·F have), with a seeded flip and
   * placement per pair (the next ones when a pair comes round again), so no index repeats.
   */
  public static long[] pick(Dataset d, long seed, int count) {
    if (count < 0 || count > MAX_ROWS) {
      throw FgbgException.invalidArgument("count " + count + " must be in [0, " + MAX_ROWS
          + "] (0 means " + DEFAULT_ROWS + ")");
    }
    int n = count == 0 ? DEFAULT_ROWS : count;
    n = (int) Math.min(n, d.size());
    IndexCodec c = d.codec();
    EpochPermutation bgs = new EpochPermutation(c.backgrounds(), seed, BG_KEY, true);
    EpochPermutation fgs = new EpochPermutation(c.foregrounds(), seed, FG_KEY, true);
    long pairs = (long) c.backgrounds() * c.foregrounds();
    long lcm = pairs / gcd(c.backgrounds(), c.foregrounds());
    int slots = c.flips() * c.placements();
    long[] out = new long[n];
    for (int r = 0; r < n; r++) {
      long q = r % pairs;
      long u = q % lcm;
      int bg = (int) bgs.indexAt(u % c.backgrounds());
      int fg = (int) fgs.indexAt((u + q / lcm) % c.foregrounds());
      long slot = (Math.floorMod(PlacementRng.mix(seed ^ PlacementRng.mix(q + FG_KEY)), slots)
          + r / pairs) % slots;
      out[r] = c.encode(bg, fg, (int) (slot / c.placements()), (int) (slot % c.placements()));
    }
    return out;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** Every index of {@code s}, which must hold at most {@link #MAX_ROWS}. */
  public static long[] rows(Selection s) {
    if (s.size() > MAX_ROWS) {
      throw FgbgException.invalidArgument("selection " + s + " has " + s.size() + " samples; a "
          + "gallery shows at most " + MAX_ROWS + ": ask for a sample of at most " + MAX_ROWS
          + " or a larger stride");
    }
    long[] out = new long[(int) s.size()];
    Arrays.setAll(out, s::indexAt);
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
    return render(d, seed, indices, false, false);
  }

  /**
   * The gallery of {@code indices}, rendered and drawn on this thread (see {@link GalleryGrid}
   * for one drawn in steps).
   */
  public static BufferedImage render(Dataset d, long seed, long[] indices, boolean background,
      boolean instances) {
    GalleryGrid grid = GalleryGrid.of(d, indices, background, instances);
    BatchShape shape = grid.shape();
    RenderedBatch all = Renderer.renderNow(d, seed, indices, shape.outputs(), shape.encoding());
    return grid.draw(all, grid.backgroundDepths(GalleryGrid.backgrounds(all)).join(),
        () -> false);
  }

  /** Draws a w×h cell at (x, y), each pixel as an s×s block. */
  static void cell(BufferedImage out, int x, int y, int[] px, int w, int h, int s) {
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
  static void colourBar(BufferedImage out, int x, int top, int bottom, float near,
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
    PixelFont.draw(out, lx, (top + bottom - PixelFont.HEIGHT) / 2,
        label(DepthColors.at(0.5, near, far)) + unit, 0xE0E0E0);
    PixelFont.draw(out, lx, bottom - PixelFont.HEIGHT, label(far) + unit, 0xE0E0E0);
  }

  private static String label(double v) {
    return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
  }

  public static byte[] png(BufferedImage img) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      png(img, b, () -> false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /**
   * Writes {@code img} as a PNG to {@code out} (the bytes {@link ImageIO#write} writes); stops
   * between rows with a {@link CancellationException} once {@code cancelled} is true.
   */
  public static void png(BufferedImage img, OutputStream out, BooleanSupplier cancelled)
      throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try (ImageOutputStream s = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(s);
      writer.addIIOWriteProgressListener(new AbortWhen(writer, cancelled));
      writer.write(null, new IIOImage(img, null, null), null);
      if (cancelled.getAsBoolean()) {
        throw new CancellationException("gallery cancelled");
      }
    } finally {
      writer.dispose();
    }
  }

  /** Asks the writer to stop, which it looks at after each row, once cancelled. */
  private record AbortWhen(ImageWriter writer, BooleanSupplier cancelled)
      implements IIOWriteProgressListener {
    @Override
    public void imageProgress(ImageWriter source, float percentageDone) {
      if (cancelled.getAsBoolean()) {
        writer.abort();
      }
    }

    @Override
    public void imageStarted(ImageWriter source, int imageIndex) {}

    @Override
    public void imageComplete(ImageWriter source) {}

    @Override
    public void thumbnailStarted(ImageWriter source, int imageIndex, int thumbnailIndex) {}

    @Override
    public void thumbnailProgress(ImageWriter source, float percentageDone) {}

    @Override
    public void thumbnailComplete(ImageWriter source) {}

    @Override
    public void writeAborted(ImageWriter source) {}
  }
}
