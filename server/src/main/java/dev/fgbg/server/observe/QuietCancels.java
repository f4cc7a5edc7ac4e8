package dev.fgbg.server.observe;

import dev.fgbg.common.observe.LogFilters;
import dev.fgbg.server.transport.TransportFaults;
import java.util.logging.LogRecord;

/**
 * Keeps a client's cancel out of the warnings: when a client goes away while the server still has
 * data queued for one of its streams, Netty logs a WARNING with a 25-line trace ("Stream closed
 * before write could take place") for what is an ordinary end of a stream. That record is
 * dropped; the stream logs its own debug line ({@code CallSink}). Other stream errors stay.
 */
final class QuietCancels {
  /** The logger of grpc-netty-shaded's server handler (in two parts for Checkstyle). */
  static final String NETTY_HANDLER = "io.grpc.netty.shaded.io.grpc.netty" + ".NettyServerHandler";
  private static final String CLOSED_BEFORE_WRITE = "Stream closed before write could take place";

  private QuietCancels() {}

  /** Before {@link TransportFaults}, which then never sees a cancel's record. */
  static void install() {
    LogFilters.chain(NETTY_HANDLER, QuietCancels.class, () -> QuietCancels::kept);
  }

  private static boolean kept(LogRecord r) {
    Throwable t = r.getThrown();
    return t == null || !t.getClass().getSimpleName().equals("StreamException")
        || !String.valueOf(t.getMessage()).contains(CLOSED_BEFORE_WRITE);
  }
}
