package dev.fgbg.server.dataset;

import dev.fgbg.server.synth.Compositor;
import dev.fgbg.server.synth.DepthEncoding;
import java.util.function.BooleanSupplier;

/**
 * A run of samples rendered into fresh contiguous arrays: images [n,H,W,3], masks [n,H,W],
 * depth [n,H,W] in the requested encoding. Arrays not asked for are null. The arrays are never
 * written again once returned, so they can be handed to a transport without copying.
 */
public record RenderedBatch(long[] indices, byte[] images, byte[] masks, byte[] depth,
    DepthEncoding encoding, SampleInfo[] infos) {

  /** Renders {@code indices}; stops early (returning null) when {@code cancelled} turns true. */
  public static RenderedBatch render(Dataset d, long seed, long[] indices, Outputs out,
      DepthEncoding enc, BooleanSupplier cancelled) {
    int n = indices.length;
    int ib = d.imageBytes();
    int mb = d.maskBytes();
    int db = d.depthBytes(enc);
    byte[] images = out.image() ? new byte[n * ib] : null;
    byte[] masks = out.mask() ? new byte[n * mb] : null;
    byte[] depth = out.depth() && db > 0 ? new byte[n * db] : null;
    SampleInfo[] infos = new SampleInfo[n];
    for (int s = 0; s < n; s++) {
      if (cancelled.getAsBoolean()) {
        return null;
      }
      if (images == null && masks == null && depth == null) {
        infos[s] = d.place(seed, indices[s]);
      } else {
        // The arrays are fresh, hence zero: the mask needs no clearing.
        infos[s] = d.render(seed, indices[s], enc, new Compositor.Target(images, s * ib, masks,
            s * mb, depth, s * db, true));
      }
    }
    return new RenderedBatch(indices, images, masks, depth, enc, infos);
  }
}
