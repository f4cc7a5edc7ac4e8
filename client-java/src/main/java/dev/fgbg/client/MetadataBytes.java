package dev.fgbg.client;

import io.grpc.Metadata;
import java.util.List;
import java.util.Locale;

/** A call's headers in bytes, for the words of a server's refusal of them (TransportWords). */
final class MetadataBytes {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "Bearer ";
  /** What HTTP/2 adds to each header's name and value when it counts a header list. */
  private static final int PER_HEADER = 32;

  private MetadataBytes() {}

  /**
   * The token's size, and that of the call's metadata as HTTP/2 counts it (binary values as
   * long as their base64): {@code headers} as the call started, with {@code token} (null: none)
   * in its authorization header, which the call credentials add to a copy of them. gRPC's own
   * headers (:path, user-agent...) add a few hundred bytes more.
   */
  static String sent(Metadata headers, String token) {
    long total = 0;
    for (String key : headers.keys()) {
      total += bytes(headers, key);
    }
    String auth = token != null ? BEARER + token : headers.get(AUTHORIZATION);
    if (token != null) {
      total += AUTHORIZATION.name().length() + auth.length() + PER_HEADER;
    }
    String words = auth == null ? "no token was sent" : auth.startsWith(BEARER)
        ? "the token sent is " + (auth.length() - BEARER.length()) + " bytes"
        : "the authorization header sent is " + auth.length() + " bytes";
    return String.format(Locale.ROOT, "%s, the call's metadata %d bytes with it", words, total);
  }

  private static long bytes(Metadata headers, String key) {
    long n = 0;
    if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      Iterable<byte[]> values = headers.getAll(Metadata.Key.of(key,
          Metadata.BINARY_BYTE_MARSHALLER));
      for (byte[] v : values == null ? List.<byte[]>of() : values) {
        n += key.length() + (v.length + 2) / 3 * 4 + PER_HEADER;
      }
      return n;
    }
    Iterable<String> values = headers.getAll(Metadata.Key.of(key,
        Metadata.ASCII_STRING_MARSHALLER));
    for (String v : values == null ? List.<String>of() : values) {
      n += key.length() + v.length() + PER_HEADER;
    }
    return n;
  }
}
