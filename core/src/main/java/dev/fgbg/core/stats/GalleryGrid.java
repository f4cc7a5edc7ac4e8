package dev.fgbg.core.stats;

import static dev.fgbg.core.stats.Gallery.BAR;
import static dev.fgbg.core.stats.Gallery.CAPTION;
import static dev.fgbg.core.stats.Gallery.GAP;
import static dev.fgbg.core.stats.Gallery.HEADER;

import dev.fgbg.common.DepthColors;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.synth.DepthEncoding;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One gallery's layout, checked before anything is rendered: what its samples are rendered as
 * ({@link #shape}), the bytes it holds at its peak ({@link #bytes}), and the drawing of the grid
 * from its rendered samples ({@link #draw}), so that a server can charge, render and draw it in
 * steps it can stop between.
 */
public final class GalleryGrid {
  private final Dataset d;
  private final long[] indices;
  private final boolean background;
  /** A column of each row's background depth: backgrounds asked for, of a dataset with depth. */
  private final boolean backgroundDepth;
  private final boolean instances;
  private final int w;
  private final int h;
  private final int s;
  private final int cols;

  private GalleryGrid(Dataset d, long[] indices, boolean background, boolean instances) {
    this.d = d;
    this.indices = indices.clone();
    this.background = background;
    this.backgroundDepth = background && d.hasDepth();
    this.instances = instances;
    this.w = d.spec().width();
    this.h = d.spec().height();
    int base = d.hasDepth() ? 3 : 2;
    this.cols = base + (background ? 1 : 0) + (backgroundDepth ? 1 : 0) + (instances ? 1 : 0);
    // The caption fits over image | mask (| depth): cells keep their scale when a column is added.
    this.s = Gallery.scale(w, h, base);
  }

  /**
   * The gallery of {@code indices}: a row each of composite, with {@code background} the
   * background it was drawn on, mask, depth (when the dataset has it; with {@code background}
   * the background's depth too, on the same colour scale) and, with {@code instances}, the
   * instance masks in colours ({@link InstanceCell}).
   */
  public static GalleryGrid of(Dataset d, long[] indices, boolean background,
      boolean instances) {
    if (indices.length == 0 || indices.length > Gallery.MAX_ROWS) {
      throw FgbgException.invalidArgument("a gallery shows 1 to " + Gallery.MAX_ROWS
          + " samples, asked for " + indices.length);
    }
    for (long i : indices) {
      d.checkIndex(i);
    }
    GalleryGrid g = new GalleryGrid(d, indices, background, instances);
    long rowPixels = ((long) g.cols * g.w * g.s + (g.cols + 2) * GAP + BAR + 64)
        * (g.h * g.s + CAPTION + GAP);
    if (rowPixels * indices.length > Gallery.MAX_PIXELS) {
      throw FgbgException.invalidArgument("a gallery of " + indices.length + " rows of " + g.h
          + "x" + g.w + " samples would be over " + (Gallery.MAX_PIXELS >> 20) + " M pixels; "
          + "ask for at most " + Math.max(1, Gallery.MAX_PIXELS / rowPixels) + " rows");
    }
    return g;
  }

  public long[] indices() {
    return indices.clone();
  }

  /** What the rows are rendered as: every output the grid draws, depth as float32. */
  public BatchShape shape() {
    Outputs outputs = instances ? Outputs.all(d).withInstances() : Outputs.all(d);
    return new BatchShape(d, outputs, DepthEncoding.FLOAT32);
  }

  /**
   * The most bytes the gallery holds at once: the image's pixels (an int each, colour bar
   * included) with, while it is drawn, the rendered rows and their depth as floats, or, while it
   * is encoded, the PNG (at most the raw RGB rows, a filter byte each, and deflate's framing).
   */
  public long bytes() {
    long width = (long) cols * w * s + (cols + 1) * GAP + GAP + BAR + GAP
        + PixelFont.width("00.00 m");
    long height = HEADER + (long) indices.length * (h * s + CAPTION + GAP) + GAP;
    long rendered = shape().renderBytes(indices.length)
        + (d.hasDepth() ? 4L * indices.length * w * h : 0)
        + (backgroundDepth ? 4L * indices.length * w * h : 0);
    long raw = height * (1 + 3 * width);
    long png = raw + raw / 16_000 * 5 + 4096;
    return 4 * width * height + Math.max(rendered, png);
  }

  /**
   * The depth of each row's background as float32 bytes (none: an empty array), for
   * {@link #draw}: a teacher's is computed once per background, on its own threads.
   */
  public CompletableFuture<byte[][]> backgroundDepths(long[] bgs) {
    if (!backgroundDepth) {
      return CompletableFuture.completedFuture(new byte[0][]);
    }
    List<CompletableFuture<byte[]>> each = new ArrayList<>();
    for (long bg : bgs) {
      each.add(d.backgroundDepth((int) bg, DepthEncoding.FLOAT32));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(none -> each.stream().map(CompletableFuture::join).toArray(byte[][]::new));
  }

  /** Each row's background, of {@code all}: what {@link #backgroundDepths} takes. */
  public static long[] backgrounds(RenderedBatch all) {
    return Arrays.stream(all.infos()).mapToLong(SampleInfo::bg).toArray();
  }

  /**
   * Draws the grid from {@code all}, {@link #shape}'s render of {@link #indices} in order, and
   * {@code bgDepths}, {@link #backgroundDepths} of its rows; throws a
   * {@link CancellationException} between rows once {@code cancelled} is true.
   */
  public BufferedImage draw(RenderedBatch all, byte[][] bgDepths, BooleanSupplier cancelled) {
    int cw = w * s;
    int ch = h * s;
    int n = indices.length * w * h;
    // The composites' depth, then the backgrounds': one colour scale for both columns.
    float[] depth = new float[d.hasDepth() ? n + bgDepths.length * w * h : 0];
    for (int p = 0; p < depth.length; p++) {
      depth[p] = p < n ? DepthEncoding.FLOAT32.get(all.depth(), p * 4)
          : DepthEncoding.FLOAT32.get(bgDepths[(p - n) / (w * h)], (p - n) % (w * h) * 4);
    }
    float[] range = DepthColors.quantileRange(depth, Gallery.NEAR_QUANTILE,
        Gallery.FAR_QUANTILE);
    boolean bar = range != null;
    float near = bar ? range[0] : 0;
    float far = bar ? range[1] : 0;
    int barArea = bar ? GAP + BAR + GAP + PixelFont.width("00.00 m") : 0;
    int rowH = ch + CAPTION + GAP;
    BufferedImage out = new BufferedImage(cols * cw + (cols + 1) * GAP + barArea,
        HEADER + indices.length * rowH + GAP, BufferedImage.TYPE_INT_RGB);
    int[] fill = new int[out.getWidth()];
    Arrays.fill(fill, 0x202020);
    for (int y = 0; y < out.getHeight(); y++) {
      out.setRGB(0, y, out.getWidth(), 1, fill, 0, out.getWidth());
    }
    List<String> names = columns();
    for (int c = 0; c < cols; c++) {
      String name = PixelFont.fit(names.get(c), cw);
      PixelFont.draw(out, GAP + c * (GAP + cw) + (cw - PixelFont.width(name)) / 2, GAP, name,
          0xE0E0E0);
    }
    int[] px = new int[w * h];
    List<String> bgLabels = d.assets().backgroundLabels();
    List<String> fgLabels = d.assets().foregroundLabels();
    for (int r = 0; r < indices.length; r++) {
      if (cancelled.getAsBoolean()) {
        throw new CancellationException("gallery cancelled");
      }
      SampleInfo info = all.infos()[r];
      int y0 = HEADER + GAP + r * rowH;
      PixelFont.draw(out, GAP, y0 + 2, String.format("i=%d bg=%d fg=%d flip=%d k=%d",
          indices[r], info.bg(), info.fg(), info.flip() ? 1 : 0, info.k()), 0xE0E0E0);
      String labels = PixelFont.label(bgLabels.get(info.bgLabel()), info.bgLabel()) + " / "
          + PixelFont.label(fgLabels.get(info.fgLabel()), info.fgLabel());
      PixelFont.draw(out, GAP, y0 + 4 + PixelFont.HEIGHT,
          PixelFont.fit(labels, cols * cw + (cols - 1) * GAP), 0xB0B0B0);
      int top = y0 + CAPTION;
      int col = 0;
      Gallery.cell(out, GAP + col++ * (GAP + cw), top, rgb(all.images(), r * w * h * 3, px), w,
          h, s);
      if (background) {
        Gallery.cell(out, GAP + col++ * (GAP + cw), top, rgb(d.backgroundRgb(info.bg()), 0, px),
            w, h, s);
      }
      for (int p = 0; p < px.length; p++) {
        int m = all.masks()[r * w * h + p] & 0xff;
        px[p] = (m << 16) | (m << 8) | m;
      }
      Gallery.cell(out, GAP + col++ * (GAP + cw), top, px, w, h, s);
      if (d.hasDepth()) {
        int[] c = bar ? DepthColors.colorize(Arrays.copyOfRange(depth, r * w * h,
            (r + 1) * w * h), near, far) : new int[w * h];
        Gallery.cell(out, GAP + col++ * (GAP + cw), top, c, w, h, s);
      }
      if (backgroundDepth) {
        int at = n + r * w * h;
        int[] c = bar ? DepthColors.colorize(Arrays.copyOfRange(depth, at, at + w * h), near,
            far) : new int[w * h];
        Gallery.cell(out, GAP + col * (GAP + cw), top, c, w, h, s);
      }
      if (instances) {
        InstanceCell.draw(out, cols * GAP + (cols - 1) * cw, top, all.instances(), r * w * h,
            w, h, s, info, fgLabels);
      }
    }
    if (bar) {
      Gallery.colourBar(out, (cols + 1) * GAP + cols * cw, HEADER + GAP + CAPTION,
          out.getHeight() - GAP, near, far, d.depthUnits());
    }
    return out;
  }

  /** The columns' headers, left to right, as {@link #draw} fills them. */
  public List<String> columns() {
    List<String> names = new ArrayList<>(List.of("image"));
    if (background) {
      names.add("background");
    }
    names.add("mask");
    if (d.hasDepth()) {
      names.add("depth");
    }
    if (backgroundDepth) {
      names.add("bg depth");
    }
    if (instances) {
      names.add("instances");
    }
    return names;
  }

  /** The RGB pixels at {@code off} as ints, into {@code px}. */
  private static int[] rgb(byte[] rgb, int off, int[] px) {
    for (int p = 0; p < px.length; p++) {
      px[p] = ((rgb[off + p * 3] & 0xff) << 16) | ((rgb[off + p * 3 + 1] & 0xff) << 8)
          | (rgb[off + p * 3 + 2] & 0xff);
    }
    return px;
  }
}
