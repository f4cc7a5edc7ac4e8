package dev.fgbg.core.render;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Renders runs of samples. Synthesis happens on the calling thread; teacher depth, when asked
 * for, completes the returned future later without holding that thread, so render workers never
 * wait on the model. A run cancelled between samples completes exceptionally with a
 * {@link CancellationException}; one stopped while it waits for depth ({@link StopSignal})
 * cancels its depth requests and completes so too.
 */
public final class Renderer {
  private Renderer() {}

  /** Renders {@code indices} (already checked to be in range) of {@code d} into fresh arrays. */
  public static CompletableFuture<RenderedBatch> render(Dataset d, long seed, long[] indices,
      Outputs out, DepthEncoding enc, BooleanSupplier cancelled) {
    BatchShape shape = new BatchShape(d, out, enc);
    return withBackgrounds(shape, render(shape, seed, indices,
        BatchArrays.allocate(shape, indices.length), 0, cancelled));
  }

  /**
   * {@code rendered} with the backgrounds {@code shape} asks for added, or itself (failures
   * unwrapped, as they were) when it asks for none.
   */
  public static CompletableFuture<RenderedBatch> withBackgrounds(BatchShape shape,
      CompletableFuture<RenderedBatch> rendered) {
    return shape.outputs().backgrounds() ? rendered.thenCompose(b -> b.withBackgrounds(shape))
        : rendered;
  }

  /**
   * Renders {@code indices} into {@code into} from sample {@code at} on (a slice of a larger
   * batch, or reused arrays). The batch completes when its teacher depth has; its arrays are
   * {@code into}'s, with images absent when the caller did not ask for them. Backgrounds are
   * not added here: a slice's would not be its batch's ({@link RenderedBatch#withBackgrounds}).
   * A teacher's depth is copied into {@code into}'s depth array, or, when it has none
   * ({@link BatchArrays#forRuns}), left in the maps ({@link RenderedBatch#depthRows}).
   */
  public static CompletableFuture<RenderedBatch> render(BatchShape shape, long seed,
      long[] indices, BatchArrays into, int at, BooleanSupplier cancelled) {
    Dataset d = shape.dataset();
    DepthEncoding enc = shape.encoding();
    int n = indices.length;
    boolean synth = into.paints();
    SampleInfo[] infos = new SampleInfo[n];
    for (int s = 0; s < n; s++) {
      if (cancelled.getAsBoolean()) {
        return CompletableFuture.failedFuture(new CancellationException("render cancelled"));
      }
      infos[s] = synth ? d.render(seed, indices[s], enc, into.target(shape, at + s))
          : d.place(seed, indices[s]);
    }
    byte[] shown = shape.outputs().image() ? into.images() : null;
    if (!shape.teacher()) {
      return CompletableFuture.completedFuture(
          new RenderedBatch(indices, shown, into.masks(), into.depth(), into.instances(), enc,
          infos));
    }
    int ib = d.imageBytes();
    int db = d.depthBytes(enc);
    // Every sample's depth is asked for at once, so that the model's batcher can group them.
    @SuppressWarnings("unchecked")
    CompletableFuture<DepthMap>[] maps = new CompletableFuture[n];
    for (int s = 0; s < n; s++) {
      maps[s] = d.teacher().depth(d, seed, indices[s], into.images(), (at + s) * ib);
    }
    // Stopped while waiting: this run's requests leave the model's queue (each map is this
    // caller's own future; another caller of the same sample still gets it).
    StopSignal.onStop(cancelled, () -> {
      for (CompletableFuture<DepthMap> m : maps) {
        m.cancel(false);
      }
    });
    byte[] depth = into.depth();
    return CompletableFuture.allOf(maps).thenApply(v -> {
      byte[][] rows = depth == null ? new byte[n][] : null; // left in the maps (forRuns)
      for (int s = 0; s < n; s++) {
        byte[] map = maps[s].join().encoded(enc);
        if (rows != null) {
          rows[s] = map;
        } else {
          System.arraycopy(map, 0, depth, (at + s) * db, db);
        }
      }
      return new RenderedBatch(indices, shown, into.masks(), depth, into.instances(), enc,
          infos, null, rows);
    });
  }

  /** Renders and waits (for callers that run on their own thread). */
  public static RenderedBatch renderNow(Dataset d, long seed, long[] indices, Outputs out,
      DepthEncoding enc) {
    return render(d, seed, indices, out, enc, () -> false).join();
  }
}
