package dev.fgbg.bench;

import dev.fgbg.client.FgbgClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How a benchmark's client reaches its server: plaintext, TLS (a self-signed certificate made
 * with {@code openssl}), or plaintext with a bearer token.
 */
enum AccessMode {
  PLAIN, TLS, TOKEN;

  private static final String TOKEN_VALUE = "bench-0123456789abcdef";

  /** The server flags of this mode; files go in {@code dir}. */
  List<String> serverArgs(Path dir) throws IOException, InterruptedException {
    return switch (this) {
      case PLAIN -> List.of();
      case TLS -> {
        selfSigned(dir);
        yield List.of("--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key",
            dir.resolve("key.pem").toString());
      }
      case TOKEN -> {
        Path tokens = Files.writeString(dir.resolve("tokens"), "bench:" + TOKEN_VALUE + "\n");
        yield List.of("--token-file", tokens.toString());
      }
    };
  }

  /** The client settings of this mode (after {@link #serverArgs} made the files). */
  FgbgClient.Builder client(FgbgClient.Builder b, Path dir) {
    return switch (this) {
      case PLAIN -> b;
      case TLS -> b.trust(dir.resolve("cert.pem"));
      case TOKEN -> b.token(TOKEN_VALUE);
    };
  }

  private static void selfSigned(Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
        dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl could not make the benchmark's TLS certificate (is openssl "
          + "installed?)");
    }
  }
}
