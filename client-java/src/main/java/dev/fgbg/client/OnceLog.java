package dev.fgbg.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A client's lines said once, not once per stream: that its batches go through shared memory,
 * why they go over the network, that a stream of it was never closed. A trainer starts a
 * stream an epoch; the same line each epoch would be noise, and none at all (FINE) hid a
 * 70 MiB fallback from everyone.
 */
final class OnceLog {
  private final Set<String> said = ConcurrentHashMap.newKeySet();

  /** Logs {@code message} at {@code first} the first time {@code key} is said, else at FINE. */
  void log(Logger log, String key, Level first, String message) {
    log.log(said.add(key) ? first : Level.FINE, message);
  }
}
