package dev.fgbg.core.deliver;

import dev.fgbg.core.render.BatchArrays;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.dataset.SampleInfo;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/** The render step of a piece's {@link Work}, by where the piece is rendered to. */
public final class Renders {
  private Renders() {}

  /** Into fresh arrays of the piece's size, which the sink then owns (a message's bytes). */
  public static Work<RenderedBatch> fresh(BatchShape shape, long seed) {
    return (p, cancelled) -> Renderer.withBackgrounds(shape, Renderer.render(shape, seed,
        p.indices(), BatchArrays.allocate(shape, p.count()), 0, cancelled));
  }

  /**
   * Into {@code whole}, each piece at its own samples (a reply rendered by several threads at
   * once); the batch a piece completes with spans all of {@code whole}, without backgrounds
   * (the whole's are {@link RenderedBatch#withBackgrounds} of all its samples).
   */
  public static Work<RenderedBatch> into(BatchShape shape, long seed, BatchArrays whole) {
    return (p, cancelled) -> Renderer.render(shape, seed, p.indices(), whole, (int) p.local(),
        cancelled);
  }

  /**
   * The sink of a reply rendered in pieces at once ({@link #into} or runs into a slot): it
   * gathers the {@code n} samples' infos at their places and, when the delivery ends, gives
   * {@code ended} all of them (null when it failed or was cancelled) and the cause.
   */
  public static Sink<RenderedBatch> gathering(int n,
      BiConsumer<SampleInfo[], Throwable> ended) {
    SampleInfo[] infos = new SampleInfo[n];
    return new Sink<>() {
      @Override
      public void deliver(Piece p, RenderedBatch b) {
        System.arraycopy(b.infos(), 0, infos, (int) p.local(), p.count());
      }

      @Override
      public void ended(Throwable cause) {
        ended.accept(cause == null ? infos : null, cause);
      }
    };
  }

  /** Bytes a run of {@link #inRuns} renders at most: within a core's share of the cache. */
  private static final long RUN_BYTES = Long.getLong("fgbg.runBytes", 1 << 20);

  /** The samples of a run of {@code shape} for {@link #inRuns}: at least one. */
  public static int runSamples(BatchShape shape) {
    return (int) Math.max(1, RUN_BYTES / Math.max(1, shape.renderBytes(1)));
  }

  /** Where {@link #inRuns} puts a piece's runs, and what it makes of the whole piece. */
  public interface Runs<T> {

    /**
     * Samples {@code from, from + 1, ...} of {@code piece}, rendered: copy what is kept, for
     * the arrays are reused once this returns.
     */
    void copy(Piece piece, int from, RenderedBatch run);

    /** Every run is copied: {@code whole} has the piece's infos and backgrounds, no arrays. */
    CompletableFuture<T> done(Piece piece, RenderedBatch whole);
  }

  /**
   * Into small arrays {@code run} samples at a time, each run {@link Runs#copy copied} out while
   * its bytes are still in the core's cache, and its arrays then reused: a piece is never whole
   * in memory, and what it is copied into (a ring slot) is written once, not read back. A
   * teacher's run is copied when its depth comes; until then its arrays are the model's input.
   */
  public static <T> Work<T> inRuns(BatchShape shape, long seed, int run, Runs<T> out) {
    if (run < 1) {
      throw new IllegalArgumentException("run must be at least 1 sample, not " + run);
    }
    ArrayDeque<BatchArrays> free = new ArrayDeque<>();
    return (p, cancelled) -> {
      long[] indices = p.indices();
      int n = indices.length;
      SampleInfo[] infos = new SampleInfo[n];
      CompletableFuture<?>[] runs = new CompletableFuture<?>[(n + run - 1) / run];
      int k = 0;
      for (int from = 0; from < n; from += run) {
        BatchArrays arrays;
        synchronized (free) {
          arrays = free.poll();
        }
        BatchArrays mine = arrays != null ? arrays : BatchArrays.forRuns(shape, run);
        int at = from;
        CompletableFuture<RenderedBatch> rendered = Renderer.render(shape, seed,
            Arrays.copyOfRange(indices, from, Math.min(n, from + run)), mine, 0, cancelled);
        runs[k++] = rendered.thenAccept(b -> {
          System.arraycopy(b.infos(), 0, infos, at, b.size());
          out.copy(p, at, b);
        }).whenComplete((v, e) -> {
          synchronized (free) {
            free.add(mine.used());
          }
        });
        if (rendered.isCompletedExceptionally()) {
          break; // cancelled: the runs not started are not rendered
        }
      }
      return CompletableFuture.allOf(Arrays.copyOf(runs, k))
          .thenCompose(v -> Renderer.withBackgrounds(shape, CompletableFuture.completedFuture(
              new RenderedBatch(indices, null, null, null, shape.encoding(), infos))))
          .thenCompose(whole -> out.done(p, whole));
    };
  }
}
