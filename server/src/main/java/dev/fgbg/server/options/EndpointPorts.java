package dev.fgbg.server.options;

/**
 * The server's endpoints (gRPC, metrics, web UI) each on a port of its own: the gRPC server
 * listens on every address, so another endpoint on its port (or two on one) could never bind,
 * and is refused with the options, naming both flags, before anything starts.
 */
final class EndpointPorts {
  private EndpointPorts() {}

  /** {@code metricsPort} {@link ServerOptions#METRICS_OFF} or {@code uiPort} 0: none, or free. */
  static void checkDistinct(int port, int metricsPort, int uiPort) {
    same(metricsPort > 0 && metricsPort == port, "metricsPort", metricsPort, "--port");
    same(uiPort > 0 && uiPort == port, "uiPort", uiPort, "--port");
    same(uiPort > 0 && uiPort == metricsPort, "metricsPort", metricsPort, "--ui-port");
  }

  private static void same(boolean clash, String field, int value, String other) {
    OptionValueException.check(!clash, field, value, "is the same as " + other
        + "; give each endpoint its own port");
  }
}
