package dev.fgbg.core.load;

import java.util.concurrent.CompletableFuture;

/**
 * A concurrency cap with a bounded queue, for requests that are heavy (Stats, Export): at most
 * {@code running} hold a permit, at most {@code queued} wait for one, and any more are refused at
 * once with RESOURCE_EXHAUSTED naming both limits. Waiting is a future, so no thread is held;
 * cancelling it (the caller went away or its deadline passed) leaves the queue, never to run.
 */
public interface Admission {

  /** @param what the requests admitted, for messages (e.g. "Stats requests") */
  static Admission of(String what, NamedLimit running, NamedLimit queued) {
    return new BoundedAdmission(what, running, queued);
  }

  /**
   * A permit now, a place in the queue (the future completes with the permit, in arrival order),
   * or a future failed with an {@link dev.fgbg.core.FgbgException} RESOURCE_EXHAUSTED that names
   * the limits.
   */
  CompletableFuture<Permit> admit();

  int running();

  int queued();

  /** Permits handed out since the start. */
  long admitted();

  /** Requests refused because the queue was full. */
  long refused();

  /** Held while the request runs; {@link #close()} (once or more) hands it to the next. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }
}
