package dev.fgbg.client;

import dev.fgbg.common.MetadataLimit;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The channel credentials and token of a {@link FgbgClient.Builder}. */
final class ChannelSecurity {
  private ChannelSecurity() {}

  /**
   * Plaintext, or TLS trusting {@code trust} (null: the JVM's CAs) and presenting
   * {@code cert} and {@code key} when given (mTLS).
   */
  static ChannelCredentials credentials(boolean tls, Path trust, Path cert, Path key) {
    if (!tls) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (trust != null) {
        b.trustManager(trust.toFile());
      }
      if (cert != null) {
        b.keyManager(cert.toFile(), key.toFile());
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("TLS files (trust " + trust + ", client certificate "
          + cert + ", key " + key + "): cannot read them as PEM (" + e.getMessage() + ")", e);
    }
    return b.build();
  }

  /** The first line of {@code file} that is neither blank nor a # comment. */
  static String readToken(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("token file " + file + ": cannot read it ("
          + e.getClass().getSimpleName() + ")", e);
    }
    return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("token file " + file
            + " holds no token"));
  }

  /**
   * The token, stripped; refused unless it is printable ASCII without spaces, and no longer
   * than an fgbg server takes.
   */
  static String checkedToken(String token) {
    if (token == null) {
      // Most often System.getenv of a variable not set: "printable ASCII" pointed elsewhere.
      throw new IllegalArgumentException("token is null (an environment variable that is not"
          + " set, such as $FGBG_TOKEN?): give the token's text, or call no token() for a"
          + " server that takes none");
    }
    if (token.isBlank() || token.strip().chars().anyMatch(c -> c < 0x21
        || c > 0x7e)) {
      throw new IllegalArgumentException("token must be printable ASCII without spaces");
    }
    String tooLong = MetadataLimit.tooLong(token.strip());
    if (tooLong != null) {
      // A call would fail: the server refuses the metadata (TransportWords words that too).
      throw new IllegalArgumentException(tooLong);
    }
    return token.strip();
  }
}
