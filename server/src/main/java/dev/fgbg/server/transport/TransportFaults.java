package dev.fgbg.server.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.Causes;
import dev.fgbg.common.ResetLimit;
import dev.fgbg.common.observe.LogFilters;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.Quoted;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Keeps what peers send out of the log's traces: grpc-netty logs a connection that ends in a
 * transport error (an HTTP/1.1 request, a port scanner, random bytes, a failed TLS handshake),
 * a call whose metadata is over its limit and a request message over its limit each with a
 * 20-to-34-line trace at INFO or WARNING, a call with a grpc header it cannot read (a
 * grpc-timeout of "zz") and a flood of control frames with a trace too, and a call without
 * "te: trailers" with a WARNING line, so any peer that can reach the port could fill the log
 * without a token. Such a record becomes one FINE line in words, naming the peer where
 * {@link PeerConnections} knows it, and at most one INFO line a minute per kind counts them; a
 * failure that is not the peer's (a bug) keeps its trace.
 */
public final class TransportFaults {
  /** grpc-netty-shaded's package (in parts for Checkstyle). */
  private static final String NETTY = "io.grpc.netty.shaded.io.grpc" + ".netty";
  /** Connections that end in an error ("Transport failed"). */
  static final String CONNECTIONS = NETTY + ".NettyServerTransport.connections";
  /** Calls reset for an HTTP/2 error in their frames ("Stream Error"). */
  static final String STREAMS = NETTY + ".NettyServerHandler";
  /** Request messages refused ("Exception processing message"). */
  static final String MESSAGES = NETTY + ".NettyServerStream";
  /** Connections closed for a flood of control frames the peer does not read the replies of. */
  static final String CONTROL_FRAMES = NETTY + ".Http2ControlFrameLimitEncoder";
  static final Duration SUMMARY_EVERY = MinuteLines.EVERY;
  private static final String RAPID_RESET = "it reset calls faster than ";
  private static final Logger LOG = Logger.getLogger(TransportFaults.class.getName());
  private static final List<String> WATCHED = List.of(CONNECTIONS, STREAMS, MESSAGES,
      CONTROL_FRAMES);
  /** The process's, made at the first install: one count per kind for all four loggers. */
  private static TransportFaults installed;
  private static final Pattern HEADER_LIMIT = Pattern.compile(
      "Header size exceeded max allowed size \\((\\d+)\\)");
  private static final Pattern MESSAGE_LIMIT = Pattern.compile(
      "gRPC message exceeds maximum size (\\d+): (\\d+)");
  /** grpc-netty's WARNING, with no throwable, per call whose headers lack "te: trailers". */
  private static final Pattern NO_TRAILERS = Pattern.compile(
      "^Expected header TE: trailers, but (.*) is received");
  private static final Pattern UNSEEN_RESET = Pattern.compile(
      "Stream \\d+ does not exist for inbound frame RST_STREAM");

  private final MinuteLines dropped;
  private final MinuteLines rapidResets; // its own kind: a drop of another kind must not hide it
  private final MinuteLines metadata;
  private final MinuteLines messages;
  private final MinuteLines resets;
  private final MinuteLines noTrailers;
  private final MinuteLines unseenResets;

  TransportFaults(Ticker ticker) {
    this.dropped = lines(ticker, "connections dropped by transport errors");
    this.rapidResets = lines(ticker, "connections closed for rapid reset");
    this.metadata = lines(ticker, "calls refused for metadata over the limit");
    this.messages = lines(ticker, "request messages refused");
    this.resets = lines(ticker, "calls reset for HTTP/2 errors");
    this.noTrailers = lines(ticker, "calls without 'te: trailers'");
    this.unseenResets = lines(ticker, "connections closed for resets of streams never open");
  }

  private static MinuteLines lines(Ticker ticker, String many) {
    return new MinuteLines(LOG, Level.INFO, ticker::read, (n, s, latest) -> String.format(
        Locale.ROOT, "%d %s in the last %d s; the latest: %s", n, many, s, latest));
  }

  /**
   * Installs the filters once per process (the loggers are the process's), each after the
   * logger's own, which has the first say: {@code QuietCancels} drops a client's cancel.
   */
  public static synchronized void install() {
    if (installed == null) {
      installed = new TransportFaults(Ticker.systemTicker());
    }
    WATCHED.forEach(l -> LogFilters.chain(l, TransportFaults.class, installed::filter));
  }

  /** A filter that words what {@link #worded} takes, and drops it. */
  Filter filter() {
    return r -> !worded(r);
  }

  /** Logs {@code r} in words when the peer caused it; true when it did (r is then dropped). */
  boolean worded(LogRecord r) {
    Throwable t = r.getThrown();
    if (t == null && STREAMS.equals(r.getLoggerName()) && r.getMessage() != null) {
      return withoutTrailers(r.getMessage());
    }
    if (CONTROL_FRAMES.equals(r.getLoggerName()) && t != null && peerFault(t) != null) {
      return true; // the transport logs the connection's end with the same cause, worded below
    }
    boolean ended = "Transport failed".equals(r.getMessage());
    if (t == null || !ended && r.getLevel().intValue() < Level.INFO.intValue()) {
      return false; // grpc's own FINE lines, seen only when asked for
    }
    String peer = PeerConnections.reading();
    String from = peer == null ? "" : " from " + peer;
    String over = find(t, HEADER_LIMIT);
    if (over != null) {
      String what = "metadata over " + over + " bytes" + from
          + (ended ? " (connection closed)" : " (HTTP 431)");
      return log(metadata, "refused a call: " + what, what);
    }
    if (t instanceof StatusRuntimeException || t instanceof StatusException) {
      String what = request(Status.fromThrowable(t)) + from;
      return log(messages, "refused " + what, what);
    }
    if (find(t, UNSEEN_RESET) != null) {
      // Resets of calls never opened are dropped before Netty (IdleStreamResets) up to the
      // rapid-reset rate: this is one past it, or of a stream only the server could open.
      String what = "connection" + from + " closed: it reset streams never open (a server's, "
          + "or more than " + ResetLimit.MAX_RESETS + " of its own in "
          + ResetLimit.WINDOW_SECONDS + " s)";
      return log(unseenResets, what, what);
    }
    if ("Exception in onHeadersRead()".equals(r.getMessage())
        && t instanceof IllegalArgumentException) {
      // grpc reads its own headers (grpc-timeout, grpc-encoding) as a call starts: a value it
      // cannot parse is the peer's, and grpc resets the call.
      String what = "a header grpc cannot read " + words(t) + from;
      return log(resets, "call reset: " + what, what);
    }
    String why = peerFault(t);
    if (why == null) {
      return false;
    }
    if ("Stream Error".equals(r.getMessage())) {
      String what = "an HTTP/2 error in its frames " + words(t) + from;
      return log(resets, "call reset: " + what, what);
    }
    return log(why.startsWith(RAPID_RESET) ? rapidResets : dropped,
        "connection" + from + " dropped: " + why, why + from);
  }

  /**
   * A call whose headers lack "te: trailers" (any raw HTTP/2 peer, one per call): grpc serves it
   * and logs a WARNING each time, so it is one FINE line and one INFO line a minute here.
   */
  private boolean withoutTrailers(String message) {
    Matcher m = NO_TRAILERS.matcher(message);
    if (!m.find()) {
      return false;
    }
    String peer = PeerConnections.reading();
    String had = "null".equals(m.group(1)) ? "no te header" : "te " + Quoted.of(m.group(1));
    String what = "a call" + (peer == null ? "" : " from " + peer) + " without 'te: trailers' ("
        + had + "; a proxy that drops trailers, or a client that is not gRPC's)";
    return log(noTrailers, "served " + what, what);
  }

  private static boolean log(MinuteLines kind, String line, String latest) {
    LOG.fine(line);
    kind.log(line + " (later ones are logged at FINE and counted here at most once a minute)",
        latest);
    return true;
  }

  /** A refused request message in words: its size and the limit, or grpc's status. */
  private static String request(Status s) {
    Matcher m = MESSAGE_LIMIT.matcher(String.valueOf(s.getDescription()));
    return m.find() ? "a request message of " + m.group(2) + " bytes, over the " + m.group(1)
        + "-byte limit (" + s.getCode() + ")" : "a request message: " + s.getCode() + " "
        + Quoted.of(String.valueOf(s.getDescription()));
  }

  /** The first group of {@code p} in a message of {@code t}'s causes, or null. */
  private static String find(Throwable t, Pattern p) {
    for (Throwable e : Causes.chain(t)) {
      Matcher m = p.matcher(String.valueOf(e.getMessage()));
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
    }
    return null;
  }

  /**
   * Words for a failure caused by the peer (not HTTP/2, a bad frame, a failed TLS handshake, a
   * reset connection), or null when it is not one.
   */
  static String peerFault(Throwable t) {
    for (Throwable e : Causes.chain(t)) {
      String name = e.getClass().getSimpleName();
      // Any Http2Exception: its nested StacklessHttp2Exception (an HPACK decompression failure)
      // is one too, though its simple name does not say so.
      if (String.valueOf(e.getMessage()).contains("too_many_rststreams")) {
        return RAPID_RESET + ResetLimit.MAX_RESETS + " in "
            + ResetLimit.WINDOW_SECONDS + " s (rapid reset; sent GOAWAY "
            + "ENHANCE_YOUR_CALM)";
      }
      if (String.valueOf(e.getMessage()).contains("outstanding control frames")) {
        return "it sent control frames (SETTINGS, PING) faster than it read their answers "
            + "(" + words(e) + ")";
      }
      if (e instanceof Http2Exception || name.endsWith("StreamException")) {
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
