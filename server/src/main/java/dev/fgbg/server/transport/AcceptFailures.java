package dev.fgbg.server.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import com.sun.management.UnixOperatingSystemMXBean;
import dev.fgbg.common.Causes;
import dev.fgbg.common.observe.LogFilters;
import dev.fgbg.common.observe.MinuteLines;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Words a server out of file descriptors: Netty logs every failed accept (EMFILE, ENFILE) as a
 * WARNING with a trace, about once a second while the limit holds. That becomes at most one
 * WARNING line a minute with a count, naming the limit and what to do.
 */
public final class AcceptFailures implements Filter {
  /** Where Netty logs an exception no handler took: a listening channel's accept failures. */
  static final String PIPELINE = "io.grpc.netty.shaded.io.netty" + ".channel"
      + ".DefaultChannelPipeline";
  private static final Logger LOG = Logger.getLogger(AcceptFailures.class.getName());

  private final MinuteLines lines;

  AcceptFailures(Ticker ticker) {
    this.lines = new MinuteLines(LOG, Level.WARNING, ticker::read, (n, s, latest) ->
        String.format(Locale.ROOT, "%d more connections not accepted in the last %d s: %s", n,
            s, latest));
  }

  /** Installs the filter once per process (the logger is the process's). */
  public static void install() {
    LogFilters.chain(PIPELINE, AcceptFailures.class,
        () -> new AcceptFailures(Ticker.systemTicker()));
  }

  @Override
  public boolean isLoggable(LogRecord r) {
    if (!outOfFiles(r.getThrown())) {
      return true;
    }
    String what = "the server is out of file descriptors (" + descriptors() + "): raise its "
        + "limit (ulimit -n, systemd's LimitNOFILE=), or lower --max-connections-per-client or "
        + "--max-connection-idle if idle connections hold them";
    lines.log("cannot accept a connection: " + what + " (" + MinuteLines.COUNTED + ")", what);
    return false;
  }

  static boolean outOfFiles(Throwable t) {
    for (Throwable e : Causes.chain(t)) {
      if (e instanceof IOException && String.valueOf(e.getMessage())
          .contains("Too many open files")) {
        return true;
      }
    }
    return false;
  }

  /** The file descriptor limit (not the count open: counting them takes one, none left). */
  private static String descriptors() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
      return "limit " + os.getMaxFileDescriptorCount();
    }
    return "limit unknown";
  }
}
