package dev.fgbg.core.deliver;

import java.util.concurrent.CompletableFuture;

/** One piece in flight in a {@link Delivery}: started, maybe done, not yet delivered. */
final class Job<T> {
  final Piece piece;
  final long bytes;
  final long startNanos = System.nanoTime();
  final CompletableFuture<T> result = new CompletableFuture<>();
  volatile boolean dropped;

  Job(Piece piece, long bytes) {
    this.piece = piece;
    this.bytes = bytes;
  }
}
