package dev.fgbg.server.status;

/**
 * A call the server ended because it is shutting down and its grace ran out: UNAVAILABLE to
 * the client (see {@link dev.fgbg.server.stop.Draining}), which resumes elsewhere or later.
 */
public final class ServerStopping extends RuntimeException {
  public ServerStopping(String what, String then) {
    this("the server is shutting down and its --shutdown-grace ran out with this " + what
        + " running; " + then);
  }

  private ServerStopping(String message) {
    super(message, null, false, false);
  }

  /** A call that waited in its admission queue when the grace ran out: it never started. */
  public static ServerStopping queued() {
    return new ServerStopping("the server is shutting down and its --shutdown-grace ran out "
        + "with this call still queued (it never started); run it again once a server is up");
  }
}
