package dev.fgbg.server.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who a call comes from, for per-client limits. An authenticating interceptor sets
 * {@link #AUTHENTICATED} in the call's {@link Context} (e.g. to a token's name); otherwise the
 * client is its peer's IP address (every connection from one host is one client). The two keys
 * are separate so that the interceptors may run in either order.
 */
public final class ClientIdentity {
  /** The caller's authenticated identity, when an interceptor has established one. */
  public static final Context.Key<String> AUTHENTICATED = Context.key("fgbg-client-identity");

  private static final Context.Key<String> PEER = Context.key("fgbg-peer-address");
  private static final Context.Key<String> CONNECTION = Context.key("fgbg-connection");

  private ClientIdentity() {}

  /** The current call's client: the authenticated identity, else the peer address. */
  public static String current() {
    String id = AUTHENTICATED.get();
    if (id != null) {
      return id;
    }
    String peer = PEER.get();
    return peer != null ? peer : "unknown";
  }

  /** The current call's connection: its peer's address and port. */
  static String connection() {
    String c = CONNECTION.get();
    return c != null ? c : "unknown";
  }

  /** Records each call's peer address (and its connection) in its context. */
  public static ServerInterceptor peerAddress() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        Context ctx = Context.current().withValues(PEER, address(peer),
            CONNECTION, String.valueOf(peer));
        return Contexts.interceptCall(ctx, call, headers, next);
      }
    };
  }

  static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress inet) {
      return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
    }
    return String.valueOf(a);
  }
}
