package dev.fgbg.server.ui;

import dev.fgbg.core.FgbgException;
import dev.fgbg.server.status.ServerStopping;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where the UI's exceptions become HTTP statuses and messages, as {@code Statuses}
 * is for gRPC: a refusal keeps its message (which names the parameter or limit); anything
 * unexpected is a 500 with a log reference, its stack trace in the server's log only.
 */
final class Failures {
  private static final Logger LOG = Logger.getLogger(Failures.class.getName());
  private static final AtomicLong REFS = new AtomicLong();
  private static final int MAX_MESSAGE = 2048;

  private Failures() {}

  /** The exception as a refusal with a status and a message for the client. */
  static HttpFailure of(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof HttpFailure h) {
      return h;
    }
    if (e instanceof FgbgException f) {
      return new HttpFailure(switch (f.reason()) {
        case INVALID_ARGUMENT -> 400;
        case NOT_FOUND -> 404;
        case PERMISSION_DENIED -> 403;
        case RESOURCE_EXHAUSTED -> 503;
        case FAILED_PRECONDITION, INVALID_CONFIG -> 409;
      }, cut(f.getMessage()));
    }
    if (e instanceof ServerStopping) { // the UI stops: its words, as the gRPC stop's
      return new HttpFailure(503, e.getMessage());
    }
    if (e instanceof CancellationException) {
      return new HttpFailure(503, "cancelled: the server is stopping");
    }
    long ref = REFS.incrementAndGet();
    LOG.log(Level.SEVERE, "web UI: internal error ref " + ref, e);
    return new HttpFailure(500, "internal error (server log ref " + ref + ": "
        + e.getClass().getSimpleName() + ")");
  }

  static String message(Throwable t) {
    return of(t).getMessage();
  }

  private static String cut(String message) {
    return message == null || message.length() <= MAX_MESSAGE ? message
        : message.substring(0, MAX_MESSAGE) + "… (" + message.length() + " characters)";
  }
}
