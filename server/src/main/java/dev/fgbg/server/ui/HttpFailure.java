package dev.fgbg.server.ui;

/**
 * A request the UI refuses, with the HTTP status and a message for the person who sent it
 * (naming the parameter or path that is wrong). Never carries a stack trace to the client.
 */
final class HttpFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  HttpFailure(int status, String message) {
    super(message, null, false, false);
    this.status = status;
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
