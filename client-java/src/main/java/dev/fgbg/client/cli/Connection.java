package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import dev.fgbg.common.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** Options every verb shares: where the server is, how to reach it safely, how long to wait. */
final class Connection {
  // picocli reads the environment when the option is absent, so FGBG_TARGET serves every verb.
  @Option(names = "--target", defaultValue = "${env:FGBG_TARGET:-localhost:50051}",
      description = "Server host:port. Default: $FGBG_TARGET, else localhost:50051.")
  String target;

  @Option(names = "--deadline", converter = DurationConverter.class,
      description = "Deadline per call (streams: for the whole stream). Default: 30s; stream 24h.")
  Duration deadline;

  @Option(names = "--tls", description = "Speak TLS, trusting the JVM's CAs (implied by "
      + "--tls-ca, --tls-cert).")
  boolean tls;

  @Option(names = "--tls-ca", defaultValue = "${env:FGBG_TLS_CA}", description = "PEM CA "
      + "certificates to trust for the server's certificate. Default: $FGBG_TLS_CA.")
  Path tlsCa;

  @Option(names = "--tls-cert", defaultValue = "${env:FGBG_TLS_CERT}", description = "PEM "
      + "client certificate chain (mTLS), with --tls-key. Default: $FGBG_TLS_CERT.")
  Path tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:FGBG_TLS_KEY}", description = "PKCS#8 PEM "
      + "key of --tls-cert. Default: $FGBG_TLS_KEY.")
  Path tlsKey;

  @Option(names = "--token", defaultValue = "${env:FGBG_TOKEN}", description = "Bearer token "
      + "sent with every call (visible to ps: prefer $FGBG_TOKEN or --token-file). "
      + "Default: $FGBG_TOKEN.")
  String token;

  @Option(names = "--token-file", description = "A file whose first line (not blank, not #) is "
      + "the bearer token.")
  Path tokenFile;

  FgbgClient client() {
    if (target != null && target.contains(",")) {
      if (Arrays.stream(target.split(",", -1)).anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("--target '" + target + "' has an empty entry (a "
            + "stray comma?): give one server, host:port");
      }
      // A list is what the libraries take for replicas; here it would reach DNS as one name.
      throw new IllegalArgumentException("--target " + target + " names several servers; a "
          + "command talks to one (host:port). Replicas with failover are for the libraries: "
          + "FgbgReplicas (Java), fgbg.failover and the torch datasets (Python)");
    }
    FgbgClient.Builder b = FgbgClient.builder();
    try {
      b.target(target);
    } catch (IllegalArgumentException e) {
      // The builder's words begin "target '…'": name the flag the user gave instead.
      String words = e.getMessage();
      throw new IllegalArgumentException(words.startsWith("target ") ? "--" + words
          : "--target " + target + ": " + words);
    }
    if (deadline != null) {
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException("--deadline " + Durations.words(deadline)
            + " must be positive; e.g. --deadline 30s, or leave it out for the default");
      }
      b.deadline(deadline).streamDeadline(deadline);
    }
    if (tls) {
      b.tls();
    }
    if (tlsCa != null) {
      b.trust(tlsCa);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both");
    }
    if (tlsCert != null) {
      b.clientCertificate(tlsCert, tlsKey);
    }
    if (tokenFile != null) {
      b.tokenFile(tokenFile);
    } else if (token != null && !token.isEmpty()) {
      b.token(token);
    }
    return b.build();
  }
}
