package dev.fgbg.core.render;

import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.synth.DepthEncoding;

/**
 * A run of samples rendered into fresh contiguous arrays: images [n,H,W,3], masks [n,H,W],
 * depth [n,H,W] in {@code encoding}. Arrays not asked for are null. The arrays are never written
 * again once a batch is complete, so they can be handed to a transport without copying.
 */
public record RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
    DepthEncoding encoding, SampleInfo[] infos) {

  public int size() {
    return indices.length;
  }
}
