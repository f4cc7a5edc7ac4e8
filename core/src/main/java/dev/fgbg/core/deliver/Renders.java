package dev.fgbg.core.deliver;

import dev.fgbg.core.render.BatchArrays;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

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
   * Into arrays reused from piece to piece, for work that is done with them once {@code then}
   * has run on the batch (copied into a slot, summed): no allocation and no zeroing per piece.
   * The arrays hold {@code maxSamples}; {@code then}'s future must not keep them.
   */
  public static <T> Work<T> reused(BatchShape shape, long seed, int maxSamples,
      BiFunction<Piece, RenderedBatch, CompletableFuture<T>> then) {
    ArrayDeque<BatchArrays> free = new ArrayDeque<>();
    return (p, cancelled) -> {
      BatchArrays arrays;
      synchronized (free) {
        arrays = free.poll();
      }
      BatchArrays mine = arrays != null ? arrays : BatchArrays.allocate(shape, maxSamples);
      CompletableFuture<T> f = Renderer.withBackgrounds(shape,
          Renderer.render(shape, seed, p.indices(), mine, 0, cancelled))
          .thenCompose(b -> then.apply(p, b));
      return f.whenComplete((v, e) -> {
        synchronized (free) {
          free.add(mine.used());
        }
      });
    };
  }
}
