package dev.fgbg.server.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.logging.Logger;

/**
 * The metrics port has no TLS and no tokens, so a scraper on another machine (a Kubernetes
 * pod's, which must reach the pod's address) reads it in plaintext, as anyone else who can
 * reach the port does. It is not refused, as the web UI is without TLS, tokens or --insecure:
 * there is no way to secure it, and the metrics are counts and names (datasets, models, export
 * destinations), not samples. A start-up WARNING says so, so that the port is kept to the
 * scrapers by the network (a NetworkPolicy, a firewall).
 */
public final class MetricsExposure {
  private static final Logger LOG = Logger.getLogger(MetricsExposure.class.getName());

  private MetricsExposure() {}

  /** Logs {@link #warning} when there is one. */
  static void warnIfOpen(String host, int port) {
    String w = warning(host, port);
    if (w != null) {
      LOG.warning(w);
    }
  }

  /** The WARNING for metrics served on {@code host}:{@code port}, or null on loopback. */
  public static String warning(String host, int port) {
    try {
      if (InetAddress.getByName(host).isLoopbackAddress()) {
        return null;
      }
    } catch (UnknownHostException e) {
      // it listened there, so it resolved; say it anyway
    }
    return "metrics on " + host + ":" + port + " (--metrics-host) are served in plaintext, "
        + "without TLS or tokens, to anyone who can reach the port (they name datasets, models"
        + " and export destinations); keep the port to your scrapers (a NetworkPolicy, a "
        + "firewall) or use --metrics-host 127.0.0.1";
  }
}
