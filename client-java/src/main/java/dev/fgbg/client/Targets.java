package dev.fgbg.client;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule by which {@link FgbgClient.Builder#target} and {@link FgbgReplicas} read a
 * target: {@code host:port}, a bare host (port {@value #DEFAULT_PORT}), {@code [v6]:port}, or a
 * gRPC name ({@code dns:///host[:port]}, {@code unix:…}). A port is a number from 1 to 65535,
 * checked here: gRPC reads "localhost:4714o" as a DNS name and "localhost:99999" fails on its
 * executor thread, the call then waiting out its deadline. A URL ({@code http://…}) is refused
 * here in words: gRPC's own answer ("Could not find a NameResolverProvider") does not say what
 * to give instead. The words are the Python client's ({@code fgbg.replicas}).
 */
final class Targets {
  static final int DEFAULT_PORT = 50051;
  static final String DNS = "dns:///";
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$");
  /** Schemes of gRPC's name resolvers (unix ones where the transport has them). */
  private static final Set<String> RESOLVED = Set.of("dns", "unix", "unix-abstract");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]+"); // an IPv6 address

  private Targets() {}

  /** Refuses {@code raw}, an entry of {@code targets}, when it is empty (a stray comma). */
  static void entry(String raw, String targets) {
    if (raw.isBlank() && targets.contains(",")) {
      throw new IllegalArgumentException("targets '" + targets + "' have an empty entry (a "
          + "stray comma?): give host:port,host:port");
    }
  }

  /** {@code target} as a gRPC target: a bare host gets the default port; a URL is refused. */
  static String checked(String target) {
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("target must be host:port, got '" + target + "'");
    }
    String t = target.strip();
    Matcher m = SCHEME.matcher(t);
    if (m.matches() && !RESOLVED.contains(m.group(1).toLowerCase(Locale.ROOT))) {
      String hostPort = m.group(2).split("/", 2)[0];
      throw new IllegalArgumentException("target '" + t + "' is a URL: give host:port ("
          + (hostPort.isEmpty() ? "localhost:" + DEFAULT_PORT : hostPort)
          + ") or dns:///host:port; fgbg speaks gRPC, not " + m.group(1));
    }
    if (t.startsWith(DNS)) {
      return DNS + withPort(t.substring(DNS.length()), t);
    }
    return t.startsWith("unix:") || t.startsWith("unix-abstract:") ? t : withPort(t, t);
  }

  /**
   * {@code host:port} for a bare host or {@code [v6]}, else {@code hostPort} as it is once its
   * port is a number from 1 to 65535 and its host is not empty; {@code typed} (the target as
   * given) is what the refusal quotes.
   */
  private static String withPort(String hostPort, String typed) {
    boolean bare = hostPort.startsWith("[") ? hostPort.endsWith("]") : !hostPort.contains(":");
    if (bare) {
      return hostPort + ":" + DEFAULT_PORT;
    }
    int colon = hostPort.lastIndexOf(':');
    String port = hostPort.substring(colon + 1);
    String host = hostPort.substring(0, Math.max(colon, 0));
    if (host.contains(":") && V6.matcher(host).matches()) {
      // gRPC would read it as a DNS name ("Invalid DNS name"): say how to write it.
      throw new IllegalArgumentException("target '" + typed + "' has an IPv6 address without "
          + "brackets: write [" + host + "]:" + port + " (or ["
          + hostPort + "] for that address on port " + DEFAULT_PORT + ")");
    }
    if (colon == 0 || !PORT.matcher(port).matches() || Integer.parseInt(port) < 1
        || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("target '" + typed + "' must be host:port (or a "
          + "bare host, port " + DEFAULT_PORT + "): its port '" + port
          + "' is not a number from 1 to 65535");
    }
    return hostPort;
  }
}
