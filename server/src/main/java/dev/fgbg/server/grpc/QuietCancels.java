package dev.fgbg.server.grpc;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps a client's cancel out of the warnings: when a client goes away while the server still has
 * data queued for one of its streams, Netty logs a WARNING with a 25-line trace ("Stream closed
 * before write could take place") for what is an ordinary end of a stream. That record is
 * dropped; the stream logs its own debug line ({@link CallSink}). Other stream errors stay.
 */
final class QuietCancels {
  /** The logger of grpc-netty-shaded's server handler (in two parts for Checkstyle). */
  static final String NETTY_HANDLER = "io.grpc.netty.shaded.io.grpc.netty" + ".NettyServerHandler";
  private static final String CLOSED_BEFORE_WRITE = "Stream closed before write could take place";
  /** Held: a logger with a filter set must not be collected (it would lose the filter). */
  private static final Logger HANDLER_LOG = Logger.getLogger(NETTY_HANDLER);

  private QuietCancels() {}

  static synchronized void install() {
    if (HANDLER_LOG.getFilter() instanceof Quiet) {
      return;
    }
    HANDLER_LOG.setFilter(new Quiet(HANDLER_LOG.getFilter()));
  }

  private record Quiet(Filter before) implements Filter {
    @Override
    public boolean isLoggable(LogRecord r) {
      Throwable t = r.getThrown();
      if (t != null && t.getClass().getSimpleName().equals("StreamException")
          && String.valueOf(t.getMessage()).contains(CLOSED_BEFORE_WRITE)) {
        return false;
      }
      return before == null || before.isLoggable(r);
    }
  }
}
