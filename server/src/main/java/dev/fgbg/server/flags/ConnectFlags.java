package dev.fgbg.server.flags;

import dev.fgbg.common.Durations;
import dev.fgbg.server.transport.ConnectOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Who may connect to {@code fgbg serve}, and how: addresses, TLS, tokens, reflection,
 * connection lifetimes and caps.
 */
public final class ConnectFlags {
  @Option(names = "--host", split = ",", description = "Addresses to listen on (repeatable or "
      + "comma-separated; 0.0.0.0 or :: for every interface). Beyond loopback it needs TLS, "
      + "tokens or --insecure. Default: loopback (127.0.0.1 and ::1).")
  List<String> hosts = List.of();

  @Option(names = "--tls-cert", description = "PEM certificate chain to serve TLS with. With "
      + "--tls-key, read again every 10s: a renewed pair is served to new connections.")
  Path tlsCert;

  @Option(names = "--tls-key", description = "PEM (PKCS#8) private key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--tls-client-ca", description = "PEM CA certificates: clients must present a "
      + "certificate they signed (mTLS). Read again every 10s: changed CAs are trusted for new "
      + "connections.")
  Path tlsClientCa;

  @Option(names = "--token-file", description = "Bearer tokens callers must present, one "
      + "[NAME:]TOKEN [export] a line ('export': may run Export; # comments). Health needs none. "
      + "Read again every 10s: a changed file takes effect without a restart.")
  Path tokenFile;

  @Option(names = "--insecure", description = "Allow plaintext without tokens beyond loopback.")
  boolean insecure;

  @Option(names = "--reflection", negatable = true, arity = "0..1", defaultValue = "true",
      fallbackValue = "true", description = "Serve gRPC reflection, v1 and v1alpha "
      + "(--no-reflection or --reflection=false: off). Default: on.")
  boolean reflection = true;

  @Option(names = "--keepalive-time", description = "Ping a connection idle this long (e.g. 60s, "
      + "5m) and drop it if the ping goes unanswered. Default: gRPC's, 2h.")
  String keepaliveTime;

  @Option(names = "--max-connection-age", description = "Ask clients to reconnect after this "
      + "long (e.g. 30m), so they spread over new replicas; calls under way finish. "
      + "Default: no limit.")
  String maxConnectionAge;

  @Option(names = "--max-connection-idle", description = "Close a connection with no call open "
      + "for this long (GOAWAY; a client reconnects for its next call). Default: 5m.")
  String maxConnectionIdle;

  @Option(names = "--max-connections-per-client", description = "Connections one client IP "
      + "address may hold open; one more closes that client's connection that has held only "
      + "health watches or unread streams for longest (if for --max-connection-idle, at most "
      + "30s), else is closed at once. Default: 1024.")
  int maxConnectionsPerClient = ConnectOptions.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;

  @Option(names = "--handshake-timeout", description = "Close a connection that has not sent "
      + "its HTTP/2 preface and SETTINGS (and finished TLS) within this long, so half-open "
      + "sockets do not hold --max-connections-per-client places. Default: 10s.")
  String handshakeTimeout;

  /** The validated options; a bad value is an IllegalArgumentException naming the flag. */
  public ConnectOptions options() {
    ConnectOptions.Builder b = ConnectOptions.builder().tls(tlsCert, tlsKey)
        .tlsClientCa(tlsClientCa).insecure(insecure).reflection(reflection)
        .keepaliveTime(duration("--keepalive-time", keepaliveTime))
        .maxConnectionAge(duration("--max-connection-age", maxConnectionAge))
        .maxConnectionIdle(duration("--max-connection-idle", maxConnectionIdle))
        .maxConnectionsPerClient(maxConnectionsPerClient)
        .handshakeTimeout(duration("--handshake-timeout", handshakeTimeout));
    hosts.forEach(b::host);
    if (tokenFile != null) {
      b.tokenFile(tokenFile);
    }
    return b.build();
  }

  private static Duration duration(String flag, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " " + e.getMessage(), e);
    }
  }
}
