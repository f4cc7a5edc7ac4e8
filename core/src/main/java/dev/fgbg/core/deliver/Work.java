package dev.fgbg.core.deliver;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * What a delivery does to one piece on its render lane, in parallel with other pieces: render it
 * (see {@link dev.fgbg.core.render.Renderer}), then prepare it for the sink. The future may
 * complete later (teacher depth) without holding the lane's thread.
 *
 * @param <T> what the sink receives
 */
@FunctionalInterface
public interface Work<T> {

  /** Starts the piece; {@code cancelled} turns true when it is no longer wanted. */
  CompletableFuture<T> start(Piece piece, BooleanSupplier cancelled);
}
