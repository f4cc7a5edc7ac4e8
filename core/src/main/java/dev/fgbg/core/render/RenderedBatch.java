package dev.fgbg.core.render;

import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.concurrent.CompletableFuture;

/**
 * A run of samples rendered into fresh contiguous arrays: images [n,H,W,3], masks [n,H,W],
 * depth [n,H,W] in {@code encoding}, instance ids [n,H,W] (uint8), and the samples' distinct
 * {@link Backgrounds}. Arrays not asked for are null. The arrays are never written again once a
 * batch is complete, so they can be handed to a transport without copying.
 *
 * <p>A run rendered to be copied out at once ({@link BatchArrays#forRuns}) leaves a teacher's
 * depth in the arrays its cache holds, one per sample ({@code depthRows}, read-only), with
 * {@code depth} null: each map is then copied once, straight to where it goes.
 */
public record RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
    byte[] instances, DepthEncoding encoding, SampleInfo[] infos, Backgrounds backgrounds,
    byte[][] depthRows) {

  /** A batch with contiguous depth (or none). */
  public RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
      byte[] instances, DepthEncoding encoding, SampleInfo[] infos, Backgrounds backgrounds) {
    this(indices, images, masks, depth, instances, encoding, infos, backgrounds, null);
  }

  /** A batch without instance ids or backgrounds. */
  public RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
      DepthEncoding encoding, SampleInfo[] infos) {
    this(indices, images, masks, depth, null, encoding, infos, null);
  }

  /** A batch with instance ids (null: none), without backgrounds. */
  public RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
      byte[] instances, DepthEncoding encoding, SampleInfo[] infos) {
    this(indices, images, masks, depth, instances, encoding, infos, null);
  }

  public int size() {
    return indices.length;
  }

  /** The per-sample array {@code a} (null: not rendered, or a per-background array). */
  public byte[] array(SampleArray a) {
    return switch (a) {
      case IMAGE -> images;
      case MASK -> masks;
      case DEPTH -> depth;
      case INSTANCES -> instances;
      case BACKGROUND, BACKGROUND_DEPTH -> null;
    };
  }

  /** This batch with the backgrounds {@code shape} asks for (itself when none). */
  public CompletableFuture<RenderedBatch> withBackgrounds(BatchShape shape) {
    return Backgrounds.of(shape, infos).thenApply(b -> b == null ? this
        : new RenderedBatch(indices, images, masks, depth, instances, encoding, infos, b,
            depthRows));
  }
}
