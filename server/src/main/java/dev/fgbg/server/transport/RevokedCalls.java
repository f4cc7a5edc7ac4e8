package dev.fgbg.server.transport;

import dev.fgbg.server.status.HeldByCall;
import dev.fgbg.server.status.Statuses;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The running calls of each token, so that a token removed from {@code --token-file} stops
 * them as well as new ones: an epoch stream may run for hours. At a reload, each call whose
 * token the new set does not hold ends UNAUTHENTICATED, saying the token was revoked; what the
 * call sends after that is dropped, and its end goes through gRPC as any server close does
 * (its context cancelled, so its work stops and its slots are given back). One INFO line a
 * reload names the tokens and counts their calls.
 */
final class RevokedCalls {
  private static final Logger LOG = Logger.getLogger(RevokedCalls.class.getName());

  /** Tests only: runs between the caller's match of the token and the call's tracking. */
  static volatile Runnable matched = () -> { };
  /** Tests only: runs once the call's service has started, before its first message. */
  static volatile Runnable started = () -> { };

  private final Set<Revocable<?, ?>> open = ConcurrentHashMap.newKeySet();
  private final LiveTokens tokens;

  RevokedCalls(LiveTokens tokens) {
    this.tokens = tokens;
  }

  /** Starts {@code call} through {@code next}, tracked until it ends. */
  <Q, R> ServerCall.Listener<Q> start(ServerCall<Q, R> call, Metadata headers, String token,
      String name, ServerCallHandler<Q, R> next) {
    Revocable<Q, R> tracked = new Revocable<>(call, token, name);
    matched.run();
    open.add(tracked);
    // A reload between the caller's match and the add above revoked without seeing this call:
    // the set in force now decides (a reload puts its set in force before it revokes).
    if (tokens.current().match(token).isEmpty()) {
      tracked.revoke();
      return new ServerCall.Listener<>() { };
    }
    ServerCall.Listener<Q> listener =
        HeldByCall.start(tracked, headers, next, () -> open.remove(tracked));
    started.run();
    return listener;
  }

  /** Ends the running calls of tokens that {@code now} (the set just put in force) lacks. */
  void revoke(AccessTokens now) {
    List<Revocable<?, ?>> gone = open.stream().filter(c -> now.match(c.token).isEmpty())
        .toList();
    gone.forEach(Revocable::revoke);
    if (!gone.isEmpty()) {
      LOG.info("--token-file reloaded without the token" + (gone.stream().map(c -> c.name)
          .distinct().count() == 1 ? " '" + gone.get(0).name + "'" : "s " + gone.stream()
          .map(c -> "'" + c.name + "'").distinct().sorted().toList()) + ": " + gone.size()
          + " running call" + (gone.size() == 1 ? "" : "s") + " ended UNAUTHENTICATED");
    }
  }

  /**
   * A call the server may end for its token; nothing goes out on it once it ended. The reload
   * thread's close and the service's sends (from any thread) take turns on its lock, as gRPC's
   * {@code ServerCall} is not thread-safe: a volatile flag alone would let a close run inside a
   * send. Uncontended but at a revocation, the lock costs nanoseconds a message (a message is a
   * batch, milliseconds of rendering), and only calls of a server with tokens pass here.
   */
  private final class Revocable<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private final String token;
    private final String name;
    private boolean closed;

    Revocable(ServerCall<Q, R> call, String token, String name) {
      super(call);
      this.token = token;
      this.name = name;
    }

    // Once revoked, gRPC's stream observer still sends headers before its first message: the
    // call under it would throw "call is closed" into the service.
    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }

    void revoke() {
      open.remove(this);
      close(Statuses.unauthenticated("token '" + name + "' was revoked (removed from the "
          + "server's --token-file) while this call ran: its calls end, and new ones are "
          + "refused"), new Metadata());
    }
  }
}
