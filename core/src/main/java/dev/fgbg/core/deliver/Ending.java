package dev.fgbg.core.deliver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** How a caller waiting for a delivery's end hears it: what failed it, as itself. */
final class Ending {
  private Ending() {}

  /**
   * Returns when {@code done} completes normally, else throws its cause (an IOException as
   * itself) or a CancellationException; an interrupt runs {@code cancel} first.
   */
  static void await(CompletableFuture<Void> done, Runnable cancel) throws IOException {
    try {
      done.get();
    } catch (InterruptedException e) {
      cancel.run();
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause()
          : e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
  }
}
