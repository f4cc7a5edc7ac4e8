package dev.fgbg.server.ui;

import dev.fgbg.common.DepthColors;
import dev.fgbg.common.InstanceColors;
import dev.fgbg.common.Npy;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.export.Encoders;
import dev.fgbg.core.render.RenderedBatch;
import java.util.List;
import java.util.function.Predicate;

/**
 * The files the UI serves for one sample, each under {@code /img/FILE}: shown at full size on the
 * sample page, offered as downloads, and used by the grid. One entry per file, so a new output
 * (a background, its depth, instance masks) is one more entry here, and the sample page lists it
 * without a change to its script.
 */
final class SampleOutputs {
  /** Encodes one rendered sample (a batch of one, float16 depth) into this file's bytes. */
  interface Encoder {
    byte[] encode(Dataset d, RenderedBatch one);
  }

  /**
   * One file of a sample.
   *
   * @param file its name under {@code /img/}
   * @param title what the page calls it
   * @param about what its values mean
   * @param type its media type
   * @param shown whether the sample page shows it as a picture (else a download only)
   * @param has whether a dataset has it
   * @param encoder its bytes
   */
  record Output(String file, String title, String about, String type, boolean shown,
      Predicate<Dataset> has, Encoder encoder) {}

  private static final String PNG = "image/png";

  static final List<Output> ALL = List.of(
      new Output("composite.png", "Composite", "the image as served: RGB, 8 bits", PNG, true,
          d -> true, (d, r) -> Encoders.pngRgb8(r.images(), 0, width(d), height(d))),
      new Output("mask.png", "Mask", "0 background, 255 foreground", PNG, true, d -> true,
          (d, r) -> Encoders.pngGray8(r.masks(), 0, width(d), height(d))),
      new Output("depth.png", "Depth", "colour map on a log scale, near bright, far dark", PNG,
          true, Dataset::hasDepth, SampleOutputs::depthColours),
      new Output("depth16.png", "Depth, 16-bit PNG", Encoders.DEPTH_PNG, PNG, false,
          Dataset::hasDepth, (d, r) -> Encoders.pngDepth16(r.depth(), 0, width(d), height(d),
              r.encoding())),
      new Output("depth.npy", "Depth, .npy", "float16 [H, W] in the dataset's depth units,"
          + " exactly as served", "application/octet-stream", false, Dataset::hasDepth,
          (d, r) -> Npy.file("<f2", r.depth(), 0, r.depth().length, height(d), width(d))),
      new Output("instances.png", "Instance ids", "a colour per labelled instance (those of the"
          + " meta's scene), background dark grey", PNG, true, d -> d.spec().isScene(),
          SampleOutputs::instanceColours),
      new Output("background.png", "Background", "the pixels the composite was drawn on: RGB,"
          + " 8 bits", PNG, true, d -> true, (d, r) -> Encoders.pngRgb8(
              r.backgrounds().pixels(), 0, width(d), height(d))),
      new Output("background-depth.png", "Background depth", "the depth of the background"
          + " alone, colours as for depth", PNG, true, Dataset::hasDepth,
          (d, r) -> colours(d, values(r.backgrounds().depth(), r))),
      new Output("background-depth.npy", "Background depth, .npy", "float16 [H, W] in the"
          + " dataset's depth units, exactly as served", "application/octet-stream", false,
          Dataset::hasDepth, (d, r) -> Npy.file("<f2", r.backgrounds().depth(), 0,
              r.backgrounds().depth().length, height(d), width(d))));

  private SampleOutputs() {}

  /** Whether {@code o} is drawn from depth (every such file names it), so needs it rendered. */
  static boolean needsDepth(Output o) {
    return o.file().contains("depth");
  }

  /** The output served as {@code file}, or null. */
  static Output named(String file) {
    return ALL.stream().filter(o -> o.file().equals(file)).findFirst().orElse(null);
  }

  /** The outputs {@code d} has. */
  static List<Output> of(Dataset d) {
    return ALL.stream().filter(o -> o.has().test(d)).toList();
  }

  private static int width(Dataset d) {
    return d.spec().width();
  }

  private static int height(Dataset d) {
    return d.spec().height();
  }

  /** The depth values of a rendered sample (float16, as served). */
  static float[] depth(RenderedBatch one) {
    return values(one.depth(), one);
  }

  /** Depth values {@code bytes} in the sample's encoding. */
  private static float[] values(byte[] bytes, RenderedBatch one) {
    int bpv = one.encoding().bytesPerValue();
    float[] out = new float[bytes.length / bpv];
    for (int p = 0; p < out.length; p++) {
      out[p] = one.encoding().get(bytes, p * bpv);
    }
    return out;
  }

  private static byte[] depthColours(Dataset d, RenderedBatch one) {
    return colours(d, depth(one));
  }

  /** The instance ids in the colours of every fgbg picture of them. */
  private static byte[] instanceColours(Dataset d, RenderedBatch one) {
    return rgb(d, InstanceColors.colorize(one.instances(), 0, one.instances().length));
  }

  /** Depth on the colour ramp of every fgbg picture, over the map's own range. */
  private static byte[] colours(Dataset d, float[] depth) {
    return rgb(d, DepthColors.colorize(depth));
  }

  private static byte[] rgb(Dataset d, int[] c) {
    byte[] rgb = new byte[c.length * 3];
    for (int p = 0; p < c.length; p++) {
      rgb[p * 3] = (byte) (c[p] >> 16);
      rgb[p * 3 + 1] = (byte) (c[p] >> 8);
      rgb[p * 3 + 2] = (byte) c[p];
    }
    return Encoders.pngRgb8(rgb, 0, width(d), height(d));
  }
}
