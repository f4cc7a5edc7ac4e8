package dev.fgbg.common;

import java.util.Locale;

/**
 * How much call metadata (HTTP/2 headers) an fgbg server takes, and so the longest bearer token
 * a client may send: the server's token file and the Java client refuse a longer token where it
 * is read (a refused call would otherwise be the first sign), and the Python client has its own
 * copy of both numbers (pinned equal to these by its tests).
 */
public final class MetadataLimit {
  /**
   * The server's max inbound metadata size, in bytes as HTTP/2 counts them (each header's name
   * and value plus 32). gRPC's default, 8 KiB, refuses the bearer tokens identity providers
   * issue (JWTs of several KiB, more with group claims); 64 KiB takes them, and a call's
   * headers are still held whole only while it starts.
   */
  public static final int MAX_BYTES = 64 * 1024;
  /**
   * The longest bearer token (characters, all ASCII): the metadata limit less 16 KiB for the
   * call's other headers (gRPC's own are under 1 KiB; a proxy or tracing adds its own).
   */
  public static final int MAX_TOKEN_BYTES = MAX_BYTES - 16 * 1024;

  /** The limit in words, for the messages of the server and the clients. */
  public static final String LIMIT = "fgbg servers take call metadata up to " + MAX_BYTES / 1024
      + " KiB, and keep " + (MAX_BYTES - MAX_TOKEN_BYTES) / 1024 + " KiB of it for other headers";

  private MetadataLimit() {}

  /** Why {@code token} can never be sent to an fgbg server, or null when it fits. */
  public static String tooLong(String token) {
    return token.length() <= MAX_TOKEN_BYTES ? null : String.format(Locale.ROOT,
        "a token has at most %d characters (%s): this one has %d", MAX_TOKEN_BYTES, LIMIT,
        token.length());
  }
}
