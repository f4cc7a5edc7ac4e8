package dev.fgbg.core.deliver;

import dev.fgbg.core.render.StopSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** One piece in flight in a {@link Delivery}: started, maybe done, not yet delivered. */
final class Job<T> {
  final Piece piece;
  final long bytes;
  final long startNanos = System.nanoTime();
  final CompletableFuture<T> result = new CompletableFuture<>();
  volatile boolean dropped;
  private List<Runnable> onDrop = new ArrayList<>();

  Job(Piece piece, long bytes) {
    this.piece = piece;
    this.bytes = bytes;
  }

  /** The piece's work's stop signal: dropped, or {@code also} (the delivery's own cancel). */
  StopSignal stop(BooleanSupplier also) {
    return new StopSignal() {
      @Override
      public boolean getAsBoolean() {
        return dropped || also.getAsBoolean();
      }

      @Override
      public void onStop(Runnable then) {
        synchronized (Job.this) {
          if (!dropped) {
            onDrop.add(then);
            return;
          }
        }
        then.run();
      }
    };
  }

  /** Forgets the piece: its work stops between samples, and what waits is told now. */
  void drop() {
    List<Runnable> told;
    synchronized (this) {
      if (dropped) {
        return;
      }
      dropped = true;
      told = onDrop;
      onDrop = List.of();
    }
    told.forEach(Runnable::run);
  }
}
