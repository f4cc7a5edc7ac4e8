package dev.fgbg.server.grpc;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * Keeps peers that do not speak gRPC out of the log's traces: grpc-netty logs every connection
 * that ends in a transport error as "Transport failed" with a 20-line trace at INFO, so any peer
 * that can reach the port (an HTTP/1.1 request, a port scanner, random bytes, a failed TLS
 * handshake) could fill the log without authenticating. Such a record becomes one FINE line in
 * words, and at most one INFO line a minute counts them; a failure that is not the peer's (a
 * bug) keeps its trace.
 */
final class TransportFaults implements Filter {
  /** grpc-netty-shaded's connection logger (in parts for Checkstyle). */
  static final String CONNECTIONS = "io.grpc.netty.shaded.io.grpc.netty" + ".NettyServerTransport"
      + ".connections";
  static final Duration SUMMARY_EVERY = MinuteLines.EVERY;
  private static final Logger LOG = Logger.getLogger(TransportFaults.class.getName());
  /** Held: a logger with a filter set must not be collected (it would lose the filter). */
  private static final Logger CONNECTIONS_LOG = Logger.getLogger(CONNECTIONS);

  private final Filter before;
  private final MinuteLines summaries;

  TransportFaults(Filter before, Ticker ticker) {
    this.before = before;
    this.summaries = new MinuteLines(LOG, Level.INFO, ticker::read, (n, s, latest) ->
        String.format(Locale.ROOT, "%d connections dropped by transport errors in the last %d s;"
            + " the latest: %s", n, s, latest));
  }

  /** Installs the filter once per process (the logger is the process's). */
  static synchronized void install() {
    if (!(CONNECTIONS_LOG.getFilter() instanceof TransportFaults)) {
      CONNECTIONS_LOG.setFilter(new TransportFaults(CONNECTIONS_LOG.getFilter(),
          Ticker.systemTicker()));
    }
  }

  @Override
  public boolean isLoggable(LogRecord r) {
    String why = r.getThrown() == null ? null : peerFault(r.getThrown());
    if (why == null) {
      return before == null || before.isLoggable(r);
    }
    LOG.fine(() -> "connection dropped: " + why);
    summaries.log("connection dropped: " + why + " (later ones are logged at FINE and counted "
        + "here at most once a minute)", why);
    return false;
  }

  /**
   * Words for a failure caused by the peer (not HTTP/2, a bad frame, a failed TLS handshake, a
   * reset connection), or null when it is not one.
   */
  static String peerFault(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause() == e ? null : e.getCause()) {
      String name = e.getClass().getSimpleName();
      if (name.startsWith("Http2Exception") || name.endsWith("StreamException")) {
        return "the peer does not speak gRPC over HTTP/2 (" + words(e) + ")";
      }
      if (e instanceof SSLException || name.equals("NotSslRecordException")) {
        return "TLS handshake failed (" + words(e) + ")";
      }
      if (e instanceof IOException || name.equals("TooLongFrameException")) {
        return "connection error (" + words(e) + ")";
      }
    }
    return null;
  }

  /** The exception's message without Netty's hex dumps, quoted (it holds the peer's bytes). */
  static String words(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int hex = m.indexOf(". Hex dump");
    return Quoted.of(hex >= 0 ? m.substring(0, hex) : m);
  }
}
