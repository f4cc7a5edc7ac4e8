package dev.fgbg.core.render;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Renders runs of samples. Synthesis happens on the calling thread; teacher depth, when asked
 * for, completes the returned future later without holding that thread, so render workers never
 * wait on the model. A run cancelled between samples completes exceptionally with a
 * {@link CancellationException}.
 */
public final class Renderer {
  private Renderer() {}

  /** Renders {@code indices} (already checked to be in range) of {@code d} under {@code seed}. */
  public static CompletableFuture<RenderedBatch> render(Dataset d, long seed, long[] indices,
      Outputs out, DepthEncoding enc, BooleanSupplier cancelled) {
    int n = indices.length;
    int ib = d.imageBytes();
    int mb = d.maskBytes();
    int db = d.depthBytes(enc);
    boolean teacher = out.depth() && d.teacher() != null;
    byte[] images = rendersImages(d, out) ? new byte[n * ib] : null;
    byte[] masks = out.mask() ? new byte[n * mb] : null;
    byte[] depth = out.depth() && db > 0 ? new byte[n * db] : null;
    SampleInfo[] infos = new SampleInfo[n];
    for (int s = 0; s < n; s++) {
      if (cancelled.getAsBoolean()) {
        return CompletableFuture.failedFuture(new CancellationException("render cancelled"));
      }
      if (images == null && masks == null && depth == null) {
        infos[s] = d.place(seed, indices[s]);
      } else {
        // The arrays are fresh, hence zero: the mask needs no clearing. Teacher depth replaces
        // the assets' depth whole, so that is not composed at all.
        infos[s] = d.render(seed, indices[s], enc, new Compositor.Target(images, s * ib, masks,
            s * mb, teacher ? null : depth, s * db, true));
      }
    }
    if (!teacher) {
      return CompletableFuture.completedFuture(
          new RenderedBatch(indices, images, masks, depth, enc, infos));
    }
    byte[] shownImages = out.image() ? images : null;
    // Every sample's depth is asked for at once, so that the model's batcher can group them.
    @SuppressWarnings("unchecked")
    CompletableFuture<DepthMap>[] maps = new CompletableFuture[n];
    for (int s = 0; s < n; s++) {
      maps[s] = d.teacher().depth(d, seed, indices[s], images, s * ib);
    }
    return CompletableFuture.allOf(maps).thenApply(v -> {
      for (int s = 0; s < n; s++) {
        System.arraycopy(maps[s].join().encoded(enc), 0, depth, s * db, db);
      }
      return new RenderedBatch(indices, shownImages, masks, depth, enc, infos);
    });
  }

  /**
   * Bytes of the arrays {@link #render} allocates for {@code n} samples: what a caller charges
   * to a memory budget before rendering.
   */
  public static long arrayBytes(Dataset d, int n, Outputs out, DepthEncoding enc) {
    long perSample = (rendersImages(d, out) ? d.imageBytes() : 0)
        + (out.mask() ? d.maskBytes() : 0) + (out.depth() ? d.depthBytes(enc) : 0);
    return n * perSample;
  }

  /** A teacher needs the composite even when the caller does not. */
  private static boolean rendersImages(Dataset d, Outputs out) {
    return out.image() || (out.depth() && d.teacher() != null);
  }

  /** Renders and waits (for callers that run on their own thread, such as GetSamples). */
  public static RenderedBatch renderNow(Dataset d, long seed, long[] indices, Outputs out,
      DepthEncoding enc) {
    return render(d, seed, indices, out, enc, () -> false).join();
  }
}
