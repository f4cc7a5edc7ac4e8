package dev.fgbg.server.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;

/**
 * The /metrics port as {@link ServerMetrics#serve} opened it: closing it first tells
 * {@link ScrapeFaults} that its replies cut off from now on are the stop's, not their clients'.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer server;
  private final ScrapeFaults.Stop stop;

  MetricsEndpoint(HTTPServer server, ScrapeFaults.Stop stop) {
    this.server = server;
    this.stop = stop;
  }

  public int getPort() {
    return server.getPort();
  }

  @Override
  public void close() {
    stop.begin();
    server.close();
  }
}
