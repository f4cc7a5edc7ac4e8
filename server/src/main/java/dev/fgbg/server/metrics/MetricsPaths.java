package dev.fgbg.server.metrics;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

/**
 * What the metrics port answers: GET and HEAD of {@link #PATH} (with any query); any other path
 * is 404 and another method 405 with {@code Allow}. The Prometheus exporter's server registers
 * "/" (a page) and "/-/healthy" beside /metrics, and the JDK server gives "/" every path it has
 * no other context for, so every path and method was 200. The check runs as the exporter's
 * {@link Authenticator}, the one hook it runs before each of its handlers; a refusal is sent
 * with no body.
 */
final class MetricsPaths extends Authenticator {
  /** The only path served. */
  static final String PATH = "/metrics";
  private static final HttpPrincipal ANYONE = new HttpPrincipal("", "metrics");

  @Override
  public Result authenticate(HttpExchange exchange) {
    if (!PATH.equals(exchange.getRequestURI().getPath())) {
      return new Failure(404);
    }
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      return new Failure(405);
    }
    return new Success(ANYONE);
  }
}
