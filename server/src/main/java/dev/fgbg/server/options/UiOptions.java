package dev.fgbg.server.options;

import dev.fgbg.server.transport.ConnectOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the web UI listens, under the gRPC port's access rules: the same TLS files (HTTPS, and
 * client certificates when the server asks for them), the same bearer tokens, and beyond
 * loopback neither without {@code --insecure}. Immutable; a bad value is refused naming its
 * flag.
 *
 * @param host the address listened on ({@code --ui-host}; loopback by default)
 * @param port {@code --ui-port}; 0 picks a free one
 * @param connect the server's access settings (TLS, tokens, insecure)
 * @param allowedHosts {@code --ui-allowed-host}: names a loopback UI that asks no token answers
 *     to besides loopback ones (a reverse proxy's, forwarding the browser's Host)
 */
public record UiOptions(InetAddress host, int port, ConnectOptions connect,
    List<String> allowedHosts) {
  /** The default {@code --ui-host}. */
  public static final String LOOPBACK = "127.0.0.1";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]");

  public UiOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(connect, "connect");
    allowedHosts = List.copyOf(allowedHosts);
    for (String name : allowedHosts) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("--ui-allowed-host '" + name + "' must be a host name"
            + " or address as the browser names it, without port, such as fgbg.example.com");
      }
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--ui-port " + port + " must be in [0, 65535]");
    }
    if (!host.isLoopbackAddress() && !connect.tls() && !connect.tokens().required()
        && !connect.insecure()) {
      throw new IllegalArgumentException("--ui-host " + host.getHostAddress() + " listens beyond"
          + " loopback without TLS or tokens: give --tls-cert and --tls-key, or --token-file, or"
          + " --insecure to show the UI to anyone who can reach the port in plaintext");
    }
  }

  /** The start-up WARNINGs of the UI's port, by the gRPC port's rule. */
  public List<String> warnings() {
    return connect.warnings("--ui-host", List.of(host));
  }

  /** From flag values; an unknown host is refused naming {@code --ui-host}. */
  public static UiOptions of(String host, int port, ConnectOptions connect) {
    return of(host, port, connect, List.of());
  }

  /** The same, answering to {@code allowedHosts} too ({@code --ui-allowed-host}). */
  public static UiOptions of(String host, int port, ConnectOptions connect,
      List<String> allowedHosts) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("--ui-host must be an address or host name, got '"
          + host + "'");
    }
    try {
      return new UiOptions(InetAddress.getByName(host.strip()), port, connect, allowedHosts);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--ui-host " + host + ": no such address or host", e);
    }
  }
}
