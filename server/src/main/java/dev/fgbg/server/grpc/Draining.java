package dev.fgbg.server.grpc;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long calls running now (streams, exports), so that a server whose shutdown grace ran out
 * ends each with UNAVAILABLE naming why — a trainer's failover then resumes it on another
 * replica, an export is run again — rather than leaving them to the transport's cancel, which
 * clients see as a bare CANCELLED (RST_STREAM) and do not fail over on.
 */
final class Draining {
  private final Set<Runnable> stops = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  /**
   * Registers a running call's {@code stop}, run when the server stops it; run the returned
   * handle when the call ends.
   */
  Runnable track(Runnable stop) {
    Runnable mine = stop::run; // its own identity, even if the same stop is tracked twice
    stops.add(mine);
    if (stopping) {
      mine.run();
    }
    return () -> stops.remove(mine);
  }

  /** Whether the server is stopping its calls: a call that ends now ends UNAVAILABLE. */
  boolean stopping() {
    return stopping;
  }

  /** Stops every running call (each then ends with {@link ServerStopping}'s status). */
  void stopAll() {
    stopping = true;
    List.copyOf(stops).forEach(Runnable::run);
  }
}
