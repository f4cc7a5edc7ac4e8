package dev.fgbg.server;

import dev.fgbg.common.Causes;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.options.UiOptions;
import dev.fgbg.server.transport.NettyListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/** Why a port could not be listened on, in words that name the flag to change. */
final class ListenFailures {
  private ListenFailures() {}

  /**
   * Fails now, as the real bind would, when a port the options name cannot be listened on: the
   * loading before the bind (photos, depth models) takes seconds to minutes, and a taken port
   * was said only after it. Each address is bound briefly and let go; one taken in between is
   * still refused by the real bind, in the same words.
   */
  static void checkPorts(ServerOptions options) {
    if (options.port() != 0) {
      NettyListener grpc = NettyListener.of(options.port(), options.connect());
      check(grpc.addresses(), grpc.describe(options.port()), "--port");
    }
    UiOptions ui = options.ui();
    if (ui != null && ui.port() != 0) {
      check(List.of(new InetSocketAddress(ui.host(), ui.port())),
          NettyListener.hostPort(ui.host(), ui.port()), "--ui-port");
    }
    int metrics = options.metricsPort();
    if (metrics != ServerOptions.METRICS_OFF && metrics != 0) {
      check(List.of(new InetSocketAddress(options.metricsHost(), metrics)),
          options.metricsHost() + ":" + metrics, "--metrics-port");
    }
  }

  private static void check(List<InetSocketAddress> addresses, String where, String flag) {
    for (InetSocketAddress a : addresses) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true); // as Netty binds: a port in TIME_WAIT is free
        s.bind(a);
      } catch (IOException e) {
        throw cannotListen(where, flag, e);
      }
    }
  }

  /** A port that cannot be listened on, in words (a taken port is the usual reason). */
  static FgbgException cannotListen(String where, String flag, IOException e) {
    if (FileLimit.outOfFiles(e)) { // EMFILE: the port is not at fault, the process's limit is
      return FgbgException.invalidConfig("cannot listen on " + where + ": the process is out of "
          + "file handles (its open-files limit, ulimit -n, is " + FileLimit.max() + "); raise "
          + "it to " + FileLimit.MIN_FILES + " or more", e);
    }
    if (Causes.chain(e).stream()
        .anyMatch(t -> String.valueOf(t.getMessage()).contains("Address already in use"))) {
      return FgbgException.invalidConfig("cannot listen on " + where + ": the address is in "
          + "use (another server there?); choose another " + flag, e);
    }
    return FgbgException.invalidConfig("cannot listen on " + where + ": " + InWords.of(e), e);
  }
}
