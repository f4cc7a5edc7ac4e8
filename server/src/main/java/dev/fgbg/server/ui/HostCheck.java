package dev.fgbg.server.ui;

import dev.fgbg.core.Quoted;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code Host} a request names, checked against where the UI listens, against DNS
 * rebinding: a page of another site whose name the attacker points at 127.0.0.1 could otherwise
 * read a loopback UI (which asks no token without {@code --token-file}) as its own origin. A UI
 * on a loopback address answers only requests for a loopback name or address ({@code
 * localhost}, {@code 127.x.y.z}, {@code [::1]}) with its own port (or none, on the scheme's
 * default port); a request without a Host (HTTP/1.0; a browser always sends one) passes. A UI
 * beyond loopback is reached by whatever names its network gives it, so it is not checked: its
 * tokens or TLS, required there, guard it.
 */
final class HostCheck {
  private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.\\d{1,3}){3}");

  private final boolean loopback;
  private final int port;
  private final int defaultPort;

  /** @param at the bound address; {@code tls}: HTTPS (default port 443, else 80) */
  HostCheck(InetSocketAddress at, boolean tls) {
    this.loopback = at.getAddress().isLoopbackAddress();
    this.port = at.getPort();
    this.defaultPort = tls ? 443 : 80;
  }

  /** Null when {@code host} (the header, null if none) may be served, else why not, in words. */
  String refusal(String host) {
    if (!loopback || host == null || allowed(host.strip().toLowerCase(Locale.ROOT))) {
      return null;
    }
    return "this web UI listens on a loopback address and answers requests for localhost,"
        + " 127.0.0.1 or [::1] with port " + port + " only, not Host " + Quoted.of(host)
        + " (a page of another site may reach it so, by DNS rebinding): open it as"
        + " http" + (defaultPort == 443 ? "s" : "") + "://127.0.0.1:" + port + "/\n";
  }

  private boolean allowed(String host) {
    int colon = host.lastIndexOf(':');
    String name = host;
    int given = defaultPort;
    if (colon >= 0 && colon > host.lastIndexOf(']')) {
      name = host.substring(0, colon);
      try {
        given = Integer.parseInt(host.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return given == port && (name.equals("localhost") || name.equals("[::1]")
        || LOOPBACK_V4.matcher(name).matches());
  }
}
