package dev.fgbg.server.flags;

import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.options.UiOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The web UI: off unless a port is given. */
public final class UiFlags {
  @Option(names = "--ui-port", description = "Serve the web UI, a read-only dataset browser, on "
      + "this port (0 picks a free one). Default: off.")
  Integer port;

  @Option(names = "--ui-host", description = "Address the web UI listens on. Beyond loopback it "
      + "follows the gRPC port's rules: TLS, tokens or --insecure. Default: 127.0.0.1.")
  String host = UiOptions.LOOPBACK;

  @Option(names = "--ui-allowed-host", split = ",", paramLabel = "NAME", description = "A name "
      + "the web UI answers to besides localhost, 127.0.0.1 and [::1] when it listens on "
      + "loopback without --token-file (a reverse proxy's, forwarding the browser's Host); "
      + "repeatable or comma-separated.")
  List<String> allowedHosts = new ArrayList<>();

  /** Gives {@code b} the web UI, when a port was given. */
  ServerOptions.Builder apply(ServerOptions.Builder b) {
    return port == null ? b : b.ui(host, port, allowedHosts.toArray(String[]::new));
  }
}
