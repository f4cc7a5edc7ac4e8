package dev.fgbg.server.status;

import dev.fgbg.core.FgbgException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where exceptions become gRPC statuses. No stack trace reaches a client. An
 * OutOfMemoryError does not become a status: it ends the process ({@link FatalErrors}).
 */
public final class Statuses {
  private static final Logger LOG = Logger.getLogger(Statuses.class.getName());
  private static final AtomicLong INTERNAL_REFS = new AtomicLong();
  /** Longest status message sent, in characters. */
  static final int MAX_MESSAGE = 2048;

  private Statuses() {}

  public static StatusRuntimeException toStatus(Throwable t) {
    FatalErrors.check(t);
    Throwable e = unwrap(t);
    if (e instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (e instanceof StatusException se) {
      return se.getStatus().asRuntimeException(se.getTrailers());
    }
    if (e instanceof FgbgException fe) {
      // The cause stays in the server (a client never sees it): metrics read a full disk there.
      return code(fe.reason()).withDescription(cut(fe.getMessage())).withCause(fe)
          .asRuntimeException();
    }
    if (e instanceof ServerStopping) {
      return Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
    }
    if (e instanceof CancellationException) {
      return Status.CANCELLED.withDescription("cancelled").asRuntimeException();
    }
    long ref = INTERNAL_REFS.incrementAndGet();
    LOG.log(Level.SEVERE, "internal error ref " + ref, e);
    return Status.INTERNAL.withDescription("internal error (server log ref " + ref + ": "
        + e.getClass().getSimpleName() + ")").asRuntimeException();
  }

  /**
   * A message short enough for the grpc-message header (clients refuse large metadata): values
   * from clients are already cut by {@code Quoted}; this bounds whatever else grew long.
   */
  public static String cut(String message) {
    if (message == null || message.length() <= MAX_MESSAGE) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE) + "… (" + message.length() + " characters)";
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static Status code(FgbgException.Reason reason) {
    return switch (reason) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case FAILED_PRECONDITION, INVALID_CONFIG -> Status.FAILED_PRECONDITION;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
    };
  }

  /**
   * Runs a call's handling: whatever it throws ends the call with its status, so that a handler
   * needs no try of its own.
   */
  public static void orError(StreamObserver<?> response, Runnable handling) {
    try {
      handling.run();
    } catch (RuntimeException e) {
      response.onError(toStatus(e));
    }
  }

  /**
   * A call whose work the server's threads no longer take: it is shutting down. UNAVAILABLE, so
   * that a client tries again elsewhere or later (the clients read this message's start).
   */
  public static StatusRuntimeException shuttingDown() {
    return Status.UNAVAILABLE.withDescription("the server is shutting down").asRuntimeException();
  }

  /** A health watch the server ends as it stops. */
  public static Status stopping() {
    return Status.UNAVAILABLE.withDescription("the server is stopping");
  }

  /** An admitted call whose deadline passed before its turn came. */
  public static StatusRuntimeException expiredInQueue() {
    return Status.DEADLINE_EXCEEDED.withDescription("the deadline passed while the request was "
        + "queued").asRuntimeException();
  }

  /** An export the exporter stopped that neither the client nor the server's stop cancelled. */
  public static StatusRuntimeException exportCancelled() {
    return Status.CANCELLED.withDescription("export cancelled").asRuntimeException();
  }

  /** A call without a valid credential (the authenticating interceptor's refusal). */
  public static Status unauthenticated(String message) {
    return Status.UNAUTHENTICATED.withDescription(message);
  }

  /** A caller known but not allowed to do this. */
  public static Status permissionDenied(String message) {
    return Status.PERMISSION_DENIED.withDescription(message);
  }

  /** A GetSamples call still waiting when its connection was found not reading its replies. */
  public static Status notRead(String why) {
    return Status.RESOURCE_EXHAUSTED.withDescription(why);
  }

  /**
   * A GetSamples call whose reply sits unread in the transport: the status with which its
   * context is cancelled, the one cause for which grpc-java resets the call's stream (dropping
   * the bytes queued for it); the client sees the reset as CANCELLED.
   */
  public static StatusRuntimeException resetUnread(String why) {
    return Status.DEADLINE_EXCEEDED.withDescription(why).asRuntimeException();
  }
}
