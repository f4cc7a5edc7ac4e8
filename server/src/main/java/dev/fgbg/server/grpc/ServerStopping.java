package dev.fgbg.server.grpc;

/**
 * A call the server ended because it is shutting down and its grace ran out: UNAVAILABLE to
 * the client (see {@link Draining}), which resumes elsewhere or later.
 */
final class ServerStopping extends RuntimeException {
  ServerStopping(String what, String then) {
    super("the server is shutting down and its --shutdown-grace ran out with this " + what
        + " running; " + then, null, false, false);
  }
}
