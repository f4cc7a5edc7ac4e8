package dev.fgbg.core.load;

import java.util.concurrent.CompletableFuture;

/**
 * A concurrency cap with a bounded queue, for requests that are heavy (Stats, Export): at most
 * {@code running} hold a permit, at most {@code queued} wait for one, and any more are refused at
 * once with RESOURCE_EXHAUSTED naming both limits. A client may hold at most its share of the
 * two together, running or waiting, and of those running ({@link Share}), so that one client's
 * burst leaves room for the others.
 * Waiting is a future, so no thread is held; cancelling it (the caller went away or its
 * deadline passed) leaves the queue, never to run.
 */
public interface Admission {

  /**
   * Without a per-client share.
   *
   * @param what the requests admitted, for messages (e.g. "Stats requests")
   */
  static Admission of(String what, NamedLimit running, NamedLimit queued) {
    return of(what, running, queued,
        new Share(new NamedLimit("none", running.value() + queued.value()), running));
  }

  /** @param share the most one client may have running and queued together, and running */
  static Admission of(String what, NamedLimit running, NamedLimit queued, Share share) {
    return new BoundedAdmission(what, running, queued, share);
  }

  /** A permit, not counted against any client's share (the server's own pages). */
  default CompletableFuture<Permit> admit() {
    return admit(null);
  }

  /**
   * A permit now, a place in the queue (the future completes with the permit: in arrival order
   * among the waiters of the clients running fewest; a client running its share waits queued,
   * even with a place free, until one of its own ends — unless no other client holds or waits:
   * alone, it borrows every free place, and a client that comes then runs at once within its
   * share, beside the borrowed places, which retire as their runs end),
   * or a future failed with an {@link dev.fgbg.core.FgbgException} RESOURCE_EXHAUSTED that names
   * the limit: the server's, or the client's share.
   *
   * @param client who asks (as {@link StreamCaps} names clients), or null for none
   */
  CompletableFuture<Permit> admit(String client);

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
