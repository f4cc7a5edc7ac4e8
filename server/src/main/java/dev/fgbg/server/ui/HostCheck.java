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
 * localhost}, {@code 127.x.y.z}, {@code [::1]}); any port, since an SSH or kubectl tunnel
 * ({@code ssh -L 9000:127.0.0.1:8080}) makes the browser name its own (a name decides the
 * origin an attacker can take, not a port). A request without a Host (HTTP/1.0; a browser
 * always sends one) passes. A UI beyond loopback is reached by whatever names its network gives
 * it, so it is not checked: its tokens or TLS, required there, guard it.
 */
final class HostCheck {
  private static final Pattern LOOPBACK = Pattern.compile(
      "(localhost|127(\\.\\d{1,3}){3}|\\[::1])(:\\d{1,5})?");

  private final boolean loopback;
  private final String url;

  /** @param at the bound address; {@code tls}: HTTPS */
  HostCheck(InetSocketAddress at, boolean tls) {
    this.loopback = at.getAddress().isLoopbackAddress();
    this.url = (tls ? "https" : "http") + "://127.0.0.1:" + at.getPort() + "/";
  }

  /** Null when {@code host} (the header, null if none) may be served, else why not, in words. */
  String refusal(String host) {
    if (!loopback || host == null
        || LOOPBACK.matcher(host.strip().toLowerCase(Locale.ROOT)).matches()) {
      return null;
    }
    return "this web UI listens on a loopback address and answers requests for localhost,"
        + " 127.0.0.1 or [::1] only, not Host " + Quoted.of(host) + " (a page of another site"
        + " may reach it so, by DNS rebinding): open it as " + url + "\n";
  }
}
