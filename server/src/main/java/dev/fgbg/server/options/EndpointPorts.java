package dev.fgbg.server.options;

/**
 * The server's endpoints (gRPC, metrics, web UI) each on a port of its own: two on one port
 * would not both bind where their addresses meet (gRPC's loopback or {@code --host} list, the
 * metrics' and UI's hosts), so the clash is refused with the options, naming both, before
 * anything starts. Only ports are compared: one port for two endpoints is refused even on
 * different hosts, which keeps the rule simple to state and to check.
 */
final class EndpointPorts {
  private EndpointPorts() {}

  /** {@code metricsPort} {@link ServerOptions#METRICS_OFF} or {@code uiPort} 0: none, or free. */
  static void checkDistinct(int port, int metricsPort, int uiPort) {
    same(metricsPort > 0 && metricsPort == port, "metricsPort", metricsPort, "port");
    same(uiPort > 0 && uiPort == port, "uiPort", uiPort, "port");
    same(uiPort > 0 && uiPort == metricsPort, "metricsPort", metricsPort, "uiPort");
  }

  /** Named by builder fields ("metricsPort = 9000 is the same as port"); Main names flags. */
  private static void same(boolean clash, String field, int value, String other) {
    OptionValueException.check(!clash, field, value, "is the same as " + other
        + "; give each endpoint its own port", other);
  }
}
