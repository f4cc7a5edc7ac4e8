package dev.fgbg.client;

import dev.fgbg.common.Causes;
import dev.fgbg.common.MetadataLimit;
import dev.fgbg.common.Overrun;
import dev.fgbg.common.ResetLimit;
import dev.fgbg.common.Unanswered;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * Puts a failed connection in words naming the target and what to check, as the Python
 * client's errors do: gRPC's own ("io exception", "Network closed for unknown reason") name
 * neither. The status code and cause stay; a server's own messages pass unchanged. Hints name
 * the builder's method and the CLI's flag both ({@code tls() / --tls}): the CLI shares them. A
 * call whose metadata the server refused as too large names the token's size and the limit.
 * A server's reset of a call (RST_STREAM, which grpc-java reports as CANCELLED) is told from
 * this client's own cancel: before the call's deadline it is UNAVAILABLE, the server went away
 * (its shutdown grace ran out under the call), which failover and reconnect retry; at the
 * deadline it is DEADLINE_EXCEEDED (the Python client's rule, {@code fgbg/_streams.py}). A
 * call that had a connection and ran past its deadline, grpc-java's timer's or the server's reset,
 * is said in {@link PastDeadline}'s words: which call, how long its deadline was, which method
 * sets it.
 */
final class TransportWords implements ClientInterceptor {
  static final String START_HINT = "start one with ./fgbg serve (in the fgbg repository), or "
      + "point the client's target at a running server";

  /** A connection closed before HTTP/2 began; the target, then what grpc-java said. */
  static final String CLOSED_EARLY = "could not talk to %s: the connection closed before HTTP/2 "
      + "began (%s) — is it a TLS server? (use tls() / --tls, or trust() / --tls-ca); else it "
      + "closed a connection over its --max-connections-per-client (its log says so), or it is "
      + "not an fgbg server";

  /** The server refused a call's headers; the target, what gRPC said, what was sent. */
  static final String METADATA_REFUSED = "%s refused the call's metadata as too large (%s): %s; "
      + "the server takes metadata up to its limit (%d KiB for fgbg servers: a token of at most "
      + "%d characters)";

  private final String target;
  /** The bearer token the client sends, or null: named when the server refuses metadata. */
  private final String token;

  TransportWords(String target) {
    this(target, null);
  }

  TransportWords(String target, String token) {
    this.target = target;
    this.token = token;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method,
      CallOptions options, Channel next) {
    // The call's context (a stream's is cancelled when its iterator closes) and its deadline,
    // the sooner of the stub's and the context's, as grpc-java's call takes them.
    Context context = Context.current();
    Deadline deadline = sooner(options.getDeadline(), context.getDeadline());
    // The stub's bound names the call's deadline only where no sooner one of the context's does.
    PastDeadline.Bound bound = deadline == options.getDeadline()
        ? options.getOption(PastDeadline.BOUND) : null;
    OnTransport onTransport = new OnTransport();
    return new SimpleForwardingClientCall<>(next.newCall(method, onTransport.on(options))) {
      private volatile boolean cancelled;

      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            // A call on a transport (its stream made there, or its address known) was
            // connected: a close now is the server going away, not a handshake it refused.
            boolean connected = onTransport.created()
                || getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) != null;
            Call call = new Call(connected, headers, deadline,
                cancelled || context.isCancelled(), method.getBareMethodName(), bound);
            super.onClose(worded(status, call), trailers);
          }
        }, headers);
      }

      @Override
      public void cancel(String message, Throwable cause) {
        cancelled = true;
        super.cancel(message, cause);
      }
    };
  }

  /**
   * What the words of a call's end depend on: whether it had a connection, the headers it
   * sent, its deadline (null: none), whether this client cancelled it, its gRPC method and the
   * stub's deadline that bounded it (null: none known).
   */
  record Call(boolean connected, Metadata headers, Deadline deadline, boolean cancelled,
      String method, PastDeadline.Bound bound) {}

  private static Deadline sooner(Deadline a, Deadline b) {
    return a == null ? b : b == null ? a : a.minimum(b);
  }

  /** {@code status} in words when it is the transport's, else as it is. */
  Status worded(Status status) {
    return worded(status, false);
  }

  /**
   * {@code status} in words when it is the transport's, else as it is; {@code connected}: the
   * call had a connection to the server (it was made, the server may have answered).
   */
  Status worded(Status status, boolean connected) {
    return worded(status, connected, new Metadata());
  }

  /** As {@link #worded(Status, boolean)}, for a call that sent {@code headers}. */
  Status worded(Status status, boolean connected, Metadata headers) {
    return worded(status, new Call(connected, headers, null, false, "the call", null));
  }

  /** {@code status}, the end of {@code call}, in words when it is the transport's. */
  Status worded(Status status, Call call) {
    boolean connected = call.connected();
    String refused = metadataRefused(status);
    if (refused != null) {
      return status.withDescription(METADATA_REFUSED.formatted(target, refused,
          MetadataBytes.sent(call.headers(), token), MetadataLimit.MAX_BYTES / 1024,
          MetadataLimit.MAX_TOKEN_BYTES));
    }
    String said = status.getDescription() == null ? "" : status.getDescription();
    String lower = said.toLowerCase(Locale.ROOT);
    Throwable cause = status.getCause();
    if (lower.contains("too_many_rststreams")) {
      // Netty's rapid-reset guard (GOAWAY ENHANCE_YOUR_CALM) closed the connection: every call
      // on it ends, this process's own deadlines and cancels having counted toward it.
      return status.withDescription(target + " closed this client's connection for rapid "
          + "reset (" + said + "): more than " + ResetLimit.MAX_RESETS + " calls were reset on "
          + "it within " + ResetLimit.WINDOW_SECONDS + " s (this process's cancels and passed "
          + "deadlines count), and every call on it ended; use "
          + "longer deadlines or fewer cancels, or a client of its own for calls that may be "
          + "cut short");
    }
    if (status.getCode() == Status.Code.INTERNAL && lower.contains("http2 exception")) {
      return status.withDescription(target + " does not speak gRPC (" + causeOr(cause, said)
          + "): is it an fgbg server, and its gRPC port rather than its web UI or metrics?");
    }
    if (status.getCode() == Status.Code.CANCELLED && connected
        && lower.startsWith("rst_stream closed stream")) {
      return reset(status, said, call);
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && Overrun.grpcsOwn(said)
        && (connected || PastDeadline.tooShort(call, said))) {
      // Not a server's own words; unconnected, a deadline too short, not a server missing.
      return connected ? PastDeadline.worded(status, target, call, null)
          : PastDeadline.tooShort(status, target, call);
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && !connected
        && (lower.contains("was_still_waiting") || lower.contains("waiting for name_resolver"))) {
      // grpc-java's note that the call never had a transport (or its target's name was not yet
      // resolved): no server, not a busy one. Else (its words may change) CallWords words it.
      return status.withDescription(Unanswered.words(target, Unanswered.BEFORE_DEADLINE, said,
          "deadline"));
    }
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return status;
    }
    if (lower.startsWith("keepalive failed")) {
      // grpc-java's words when a keepalive ping went unanswered (Keepalive): no crash, a hang.
      return status.withDescription(target + " stopped answering (" + said + "): no reply to "
          + "a keepalive ping, so the server hangs (stopped, frozen, out of memory) or the "
          + "network between drops packets; the connection was closed");
    }
    boolean closed = lower.startsWith("network closed for unknown reason");
    if (connected && (closed || lower.equals("io exception"))) {
      return status.withDescription(target + " went away during the call (" + causeOr(cause,
          said) + "): the server stopped or restarted, or the network between dropped the "
          + "connection; retry once it is back");
    }
    if (named(cause, "NotSslRecordException")) {
      return status.withDescription(target + " answered in plaintext: the server has no TLS; "
          + "connect without tls() / --tls (or give the server --tls-cert and --tls-key)");
    }
    if (has(cause, SSLException.class)) {
      return status.withDescription("the TLS handshake with " + target + " failed ("
          + causeOr(cause, said) + "): check trust() / --tls-ca, the client certificate and "
          + "key (--tls-cert, --tls-key), and that the server serves TLS (a server without TLS "
          + "answers a TLS client this way)");
    }
    if (has(cause, UnknownHostException.class)) {
      // A name that does not resolve is no server that went away (the Python client's words).
      return status.withDescription("cannot resolve host '" + host(target) + "' of target "
          + target + " (" + causeOr(cause, said) + "): check the name (a typo? known to this "
          + "machine's DNS or /etc/hosts?); a target is host:port");
    }
    if (has(cause, ConnectException.class)) {
      return status.withDescription("no fgbg server answers at " + target + " ("
          + causeOr(cause, said) + "); " + START_HINT);
    }
    // A TLS server drops a plaintext client's first bytes: grpc-java says "Network closed for
    // unknown reason" without a cause, or "io exception" caused by a connection reset (or a
    // broken pipe, when the client still writes into the reset connection), by the
    // race between the server's close and the client's preface. Before a connection is made
    // either is the same refusal; a server over --max-connections-per-client closes this way too.
    if (closed || (has(cause, IOException.class) && (causeSays(cause, "connection reset")
        || causeSays(cause, "broken pipe")))) {
      return status.withDescription(CLOSED_EARLY.formatted(target, causeOr(cause, said)));
    }
    return status;
  }

  /**
   * The server reset the call. At the deadline: the server's own deadline passed (it resets
   * the call), maybe read before the client's timer fired (a context's deadline cancels the
   * context too, so this comes first). Else a call this client cancelled stays as it is.
   * Else a server stopping past its --shutdown-grace resets the streams still busy (a cold
   * depth batch, a Stats or Gallery) once it gave them a moment to end with UNAVAILABLE;
   * retrying is right, so UNAVAILABLE.
   */
  private Status reset(Status status, String said, Call call) {
    if (PastDeadline.passed(call.deadline())) {
      return PastDeadline.worded(Status.DEADLINE_EXCEEDED.withCause(status.getCause()), target,
          call, said);
    }
    if (call.cancelled()) {
      return status;
    }
    return Status.UNAVAILABLE.withDescription(target + " went away during the call (" + said
        + "): the server stopped or restarted (its shutdown grace ran out under the call), "
        + "ended it as this client did not read its replies while others waited, or a proxy "
        + "between ended the call; retry once it is back").withCause(status.getCause());
  }

  /**
   * What gRPC said when the server refused a call's metadata as too large, or null: grpc-java
   * checks the headers against the limit the server announced (HTTP/2's max header list size)
   * and fails the call with an "http2 exception" itself; a server that refuses them answers
   * HTTP 431.
   */
  private static String metadataRefused(Status status) {
    String said = String.valueOf(status.getDescription());
    if (said.toLowerCase(Locale.ROOT).contains("http status code 431")) {
      return "HTTP 431";
    }
    return Stream.concat(Stream.of(said), chain(status.getCause()).map(Throwable::getMessage))
        .filter(m -> m != null && m.contains("Header size exceeded")).findFirst()
        .map(m -> m.lines().findFirst().orElse(m)).orElse(null);
  }

  /** {@code t} and its causes, outermost first. */
  private static Stream<Throwable> chain(Throwable t) {
    return Causes.chain(t).stream();
  }

  private static boolean named(Throwable t, String simpleName) {
    return chain(t).anyMatch(e -> e.getClass().getSimpleName().equals(simpleName));
  }

  private static boolean causeSays(Throwable t, String words) {
    return chain(t).anyMatch(e -> e.getMessage() != null
        && e.getMessage().toLowerCase(Locale.ROOT).contains(words));
  }

  private static boolean has(Throwable t, Class<? extends Throwable> type) {
    return chain(t).anyMatch(type::isInstance);
  }

  /** The host {@code target} names (no scheme, port or brackets). */
  private static String host(String target) {
    String t = target.startsWith(Targets.DNS) ? target.substring(Targets.DNS.length()) : target;
    int colon = t.lastIndexOf(':');
    String host = colon > 0 && !t.endsWith("]") ? t.substring(0, colon) : t;
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
        : host;
  }

  /** The innermost cause's message (the one that says what happened), else {@code said}. */
  private static String causeOr(Throwable t, String said) {
    return chain(t).filter(e -> e.getMessage() != null && !e.getMessage().isBlank())
        .reduce((outer, inner) -> inner)
        .map(e -> e.getClass().getSimpleName() + ": " + e.getMessage().lines().findFirst()
            .orElse(""))
        .orElse(said);
  }
}
