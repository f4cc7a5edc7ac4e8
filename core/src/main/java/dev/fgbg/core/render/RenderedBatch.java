package dev.fgbg.core.render;

import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.synth.DepthEncoding;

/**
 * A run of samples rendered into fresh contiguous arrays: images [n,H,W,3], masks [n,H,W],
 * depth [n,H,W] in {@code encoding}, instance ids [n,H,W] (uint8). Arrays not asked for are null. The arrays are never written
 * again once a batch is complete, so they can be handed to a transport without copying.
 */
public record RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
    byte[] instances, DepthEncoding encoding, SampleInfo[] infos) {

  /** A batch without instance ids. */
  public RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
      DepthEncoding encoding, SampleInfo[] infos) {
    this(indices, images, masks, depth, null, encoding, infos);
  }

  public int size() {
    return indices.length;
  }
}
