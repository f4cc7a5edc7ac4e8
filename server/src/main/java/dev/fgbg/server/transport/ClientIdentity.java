package dev.fgbg.server.transport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who a call comes from, for per-client limits. An authenticating interceptor sets
 * {@link #AUTHENTICATED} in the call's {@link Context} (e.g. to a token's name); otherwise the
 * client is its peer's IP address (every connection from one host is one client), as
 * {@link #client(InetAddress)} names it. The two keys are separate so that the interceptors may
 * run in either order.
 */
public final class ClientIdentity {
  /**
   * The one client every local process is: a trainer reaching {@code localhost} over ::1 and a
   * CLI reaching 127.0.0.1 (or ::ffff:127.0.0.1 on a dual-stack socket) share its caps.
   */
  public static final String LOOPBACK = "127.0.0.1";

  /** The caller's authenticated identity, when an interceptor has established one. */
  public static final Context.Key<String> AUTHENTICATED = Context.key("fgbg-client-identity");

  private static final Context.Key<String> PEER = Context.key("fgbg-peer-address");
  private static final Context.Key<String> CONNECTION = Context.key("fgbg-connection");

  private ClientIdentity() {}

  /** The identity of a caller showing the token named {@code name}: {@code token NAME}. */
  public static String ofToken(String name) {
    return "token " + name;
  }

  /**
   * The identity of a caller that showed a verified client certificate (mTLS without tokens):
   * {@code certificate SUBJECT}, its subject's RFC 2253 name; null without one.
   */
  public static String ofCertificate(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x
          ? "certificate " + x.getSubjectX500Principal().getName() : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

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
  public static String connection() {
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

  /**
   * The client a peer address is, for every per-client cap, share, count and line: an
   * IPv4-mapped IPv6 address is its IPv4 address, and every loopback address (127.0.0.0/8, ::1,
   * ::ffff:127.x.y.z) is {@link #LOOPBACK}; else the address as written by
   * {@link InetAddress#getHostAddress()}.
   */
  public static String client(InetAddress peer) {
    InetAddress a = unmapped(peer);
    return a.isLoopbackAddress() ? LOOPBACK : a.getHostAddress();
  }

  /** The client a socket address is ({@link #client(InetAddress)}), else its text. */
  public static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress inet) {
      return inet.getAddress() != null ? client(inet.getAddress()) : inet.getHostString();
    }
    return String.valueOf(a);
  }

  /** ::ffff:a.b.c.d as a.b.c.d (Netty's epoll keeps the mapped form that java.net drops). */
  private static InetAddress unmapped(InetAddress a) {
    byte[] b = a.getAddress();
    if (!(a instanceof Inet6Address) || b.length != 16 || b[10] != (byte) 0xff
        || b[11] != (byte) 0xff || !Arrays.equals(b, 0, 10, new byte[10], 0, 10)) {
      return a;
    }
    try {
      return Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are an IPv4 address", e);
    }
  }
}
