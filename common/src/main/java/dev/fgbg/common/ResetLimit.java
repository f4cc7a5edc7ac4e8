package dev.fgbg.common;

/**
 * How many calls one connection may reset (HTTP/2 RST_STREAM) in a window before an fgbg server
 * closes it with GOAWAY {@code ENHANCE_YOUR_CALM}: "rapid reset" (HEADERS then RST_STREAM, over
 * and over) costs the server a call each and was 200,000 pairs in 36 s on one connection without
 * a cap (grpc-java suggests one). A client cancelling its calls, even a DataLoader's many,
 * resets far fewer; but a process's own passed deadlines and cancels count, and the clients say
 * so when the server closed their connection for it. The Python client has its own copy of both
 * numbers (pinned equal to these by its tests).
 */
public final class ResetLimit {
  /** Resets a connection may send per {@link #WINDOW_SECONDS}. */
  public static final int MAX_RESETS = 1000;
  public static final int WINDOW_SECONDS = 10;

  private ResetLimit() {}
}
