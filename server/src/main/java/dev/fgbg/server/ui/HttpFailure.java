package dev.fgbg.server.ui;

/**
 * A request the UI refuses, with the HTTP status and a message for the person who sent it
 * (naming the parameter or path that is wrong). Never carries a stack trace to the client.
 */
final class HttpFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  /** Seconds for a Retry-After header, or 0 for none. */
  private final long retryAfter;

  HttpFailure(int status, String message) {
    this(status, message, 0);
  }

  HttpFailure(int status, String message, long retryAfter) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  long retryAfter() {
    return retryAfter;
  }

  int status() {
    return status;
  }

  static HttpFailure badRequest(String message) {
    return new HttpFailure(400, message);
  }

  static HttpFailure notFound(String message) {
    return new HttpFailure(404, message);
  }
}
