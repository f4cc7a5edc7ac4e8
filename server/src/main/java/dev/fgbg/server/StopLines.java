package dev.fgbg.server;

import dev.fgbg.common.InWords;
import dev.fgbg.server.grpc.FgbgServer;
import java.time.Duration;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The two INFO lines of a server's stop: one as it begins (why, what is open, the grace), one
 * when it is done (how long it took). Without them a SIGTERM'd server exited in silence, and an
 * operator could not tell a stop from a crash, nor see what the grace cut short.
 */
final class StopLines {
  private static final Logger LOG = Logger.getLogger(FgbgApplication.class.getName());

  private final long start = System.nanoTime();

  private StopLines() {}

  /** Logs the first line; {@code server} may be null (a start that failed). */
  static StopLines begin(String why, FgbgServer server, Duration grace) {
    String open = server == null ? "" : "; " + InWords.count(server.streams().count(), "stream")
        + " and " + InWords.count(server.exportAdmission().running(), "export") + " open";
    LOG.info(String.format(Locale.ROOT, "stopping (%s)%s; calls get --shutdown-grace %d ms",
        why, open, grace.toMillis()));
    return new StopLines();
  }

  /** Logs the second line. */
  void stopped() {
    LOG.info(String.format(Locale.ROOT, "stopped after %.2f s",
        (System.nanoTime() - start) / 1e9));
  }
}
