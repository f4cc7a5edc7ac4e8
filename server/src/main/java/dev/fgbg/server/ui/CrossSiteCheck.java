package dev.fgbg.server.ui;

import com.sun.net.httpserver.Headers;
import dev.fgbg.core.Quoted;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Requests for all but a page's shell (the API {@code /api/...}, the images and downloads
 * {@code /img/...}, the static files) that a browser sends for a page of another origin, refused:
 * without it any site a user visits could start Stats, grid renders or depth images on a loopback
 * UI that asks no token (a GET, or an {@code <img>}, needs no CORS permission to be sent, only to
 * be read), and take the places a trainer's calls need. A page's shell starts nothing: a link from
 * anywhere opens it. A browser's {@code Sec-Fetch-Site} decides where it is sent:
 * {@code same-origin} (the UI's own pages, also through a tunnel or a proxy, whose port or name the
 * browser sees on both) and {@code none} (a URL typed) pass; {@code same-site} is refused too,
 * since another port of localhost is another program's page, not this UI's. A browser without it
 * (older Safari) is judged by its {@code Origin}, which must name the {@code Host} the request was
 * sent to. A request with neither header (curl, scripts) passes: no page sent it.
 */
final class CrossSiteCheck {
  private CrossSiteCheck() {}

  /** Null when the request may be served, else why not, in words. */
  static String refusal(Headers headers) {
    String site = headers.getFirst("Sec-Fetch-Site");
    if (site != null) {
      String s = site.strip().toLowerCase(Locale.ROOT);
      return s.equals("same-origin") || s.equals("none") ? null
          : words("Sec-Fetch-Site: " + Quoted.of(site));
    }
    String origin = headers.getFirst("Origin");
    if (origin == null || sameHost(origin, headers.getFirst("Host"))) {
      return null;
    }
    return words("Origin " + Quoted.of(origin) + " for Host "
        + Quoted.of(String.valueOf(headers.getFirst("Host"))));
  }

  private static String words(String what) {
    return "this web UI's data and images answer the UI's own pages only, not a page of another"
        + " site or port (" + what + "): a page elsewhere may not start work here; open the UI"
        + " itself, or send the request without a browser";
  }

  /** Whether {@code origin} (scheme://host[:port]) names {@code host} (the Host header). */
  private static boolean sameHost(String origin, String host) {
    if (host == null) {
      return false;
    }
    try {
      URI o = new URI(origin.strip());
      URI h = new URI(o.getScheme(), host.strip(), null, null, null);
      return o.getScheme() != null && o.getHost() != null && o.getHost().equalsIgnoreCase(
          h.getHost()) && port(o) == port(h);
    } catch (URISyntaxException e) {
      return false; // "null" (a sandboxed page) or garbage: no origin of this UI's
    }
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }
}
