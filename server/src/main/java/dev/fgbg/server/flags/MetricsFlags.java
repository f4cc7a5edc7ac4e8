package dev.fgbg.server.flags;

import picocli.CommandLine.Option;

/** The Prometheus endpoint: off unless a port is given. */
public final class MetricsFlags {
  @Option(names = "--metrics-port", description = "Serve Prometheus metrics on this port at "
      + "/metrics, GET and HEAD only (0 picks a free one). Default: off.")
  Integer port;

  @Option(names = "--metrics-host", description = "Address the metrics endpoint listens on. "
      + "Default: 127.0.0.1 (give 0.0.0.0 for a scraper on another machine: plaintext, no "
      + "tokens, one start-up warning).")
  String host = "127.0.0.1";
}
