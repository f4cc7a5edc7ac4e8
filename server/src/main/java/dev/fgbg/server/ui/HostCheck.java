package dev.fgbg.server.ui;

import dev.fgbg.core.Quoted;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code Host} a request names, checked against where the UI listens, against DNS
 * rebinding: a page of another site whose name the attacker points at 127.0.0.1 could otherwise
 * read a loopback UI that asks no token as its own origin. Only then is it checked: with
 * {@code --token-file} such a page has neither token nor cookie, so a reverse proxy forwarding
 * the browser's Host passes. A UI on a loopback address answers requests for a loopback name
 * or address ({@code localhost}, {@code 127.x.y.z}, {@code [::1]}) or a name of {@code
 * --ui-allowed-host} (a proxy's); any port, since an SSH or kubectl tunnel ({@code ssh -L
 * 9000:127.0.0.1:8080}) makes the browser name its own (a name decides the origin an attacker
 * can take, not a port). A request without a Host (HTTP/1.0; a browser always sends one)
 * passes. A UI beyond loopback is reached by whatever names its network gives it, so it is not
 * checked: its tokens or TLS, required there, guard it.
 */
final class HostCheck {
  private static final Pattern LOOPBACK = Pattern.compile(
      "localhost|127(\\.\\d{1,3}){3}|\\[::1]");
  private static final Pattern PORT = Pattern.compile(":\\d{1,5}$");

  private final boolean checked;
  private final Set<String> allowed;
  private final String url;

  /**
   * @param at the bound address; {@code tls}: HTTPS; {@code tokens}: the UI requires a token
   * @param allowed names of {@code --ui-allowed-host}, answered too
   */
  HostCheck(InetSocketAddress at, boolean tls, boolean tokens, List<String> allowed) {
    this.checked = at.getAddress().isLoopbackAddress() && !tokens;
    this.allowed = allowed.stream().map(n -> n.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    this.url = WebUi.url(tls ? "https" : "http", at);
  }

  /** Null when {@code host} (the header, null if none) may be served, else why not, in words. */
  String refusal(String host) {
    if (!checked || host == null) {
      return null;
    }
    String name = PORT.matcher(host.strip().toLowerCase(Locale.ROOT)).replaceFirst("");
    if (LOOPBACK.matcher(name).matches() || allowed.contains(name)) {
      return null;
    }
    return "this web UI listens on a loopback address and asks no token, so it answers requests"
        + " for localhost, 127.0.0.1 or [::1] only, not Host " + Quoted.of(host) + " (a page of"
        + " another site may reach it so, by DNS rebinding): open it as " + url + ", or, behind"
        + " a proxy that forwards this name, give --ui-allowed-host " + name + "\n";
  }

  /**
   * {@link #refusal}'s words as a small page for a browser: a title and a link to the address
   * answered. Not the UI's shell: its links are relative, so they would name the refused host.
   */
  String page(String refusal) {
    String title = "Misdirected request (421)";
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
        + "</title></head><body><h1>" + title + "</h1><p>" + Resources.escape(refusal.strip())
        + "</p><p><a href=\"" + Resources.escape(url) + "\">Open " + Resources.escape(url)
        + "</a></p></body></html>\n";
  }
}
