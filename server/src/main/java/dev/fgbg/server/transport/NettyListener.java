package dev.fgbg.server.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.MetadataLimit;
import dev.fgbg.common.ResetLimit;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettySslContextServerCredentials;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2SecurityUtil;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.netty.shaded.io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The Netty transport of {@link ConnectOptions}: the addresses listened on, TLS (mTLS when a
 * client CA is given; failed handshakes are logged, {@link HandshakeFailures}), keepalive and
 * how often clients may ping, connection age and idle time, connections per client
 * ({@link PeerConnections}), calls open a connection, the handshake timeout, the cap on stream
 * resets (rapid reset, {@link ResetLimit}) and the metadata a call may carry
 * ({@link MetadataLimit}).
 */
public final class NettyListener {
  /**
   * How often a client may ping while it has calls open (HTTP/2 PING, answered by the
   * transport's event loop even while every worker is busy): gRPC's default, 5 minutes, would
   * GOAWAY a client that pings often enough to notice a hung replica (one stopped, or frozen
   * in a long pause) within a minute or two; the fgbg clients ping every 30 s by default. Pings
   * with no call open stay refused (an idle connection needs none), and a ping costs the
   * server one small frame. Public: the Java client's lower bound on its keepalive time.
   */
  public static final Duration PERMIT_KEEPALIVE_TIME = Duration.ofSeconds(20);
  /**
   * Calls one connection may have open at once (HTTP/2 MAX_CONCURRENT_STREAMS; gRPC's default
   * is unbounded, and each open stream holds heap): eight times the default
   * --max-streams-per-client, room for a client's streams and its unary calls beside them. A
   * gRPC client past it waits for a stream to end (it queues them) rather than fails.
   */
  public static final int MAX_CALLS_PER_CONNECTION = 512;
  /**
   * The TLS cipher suites served, on the gRPC port and the web UI alike: HTTP/2's (RFC 7540
   * 9.2.2), all AEAD with forward secrecy, so no TLS 1.2 CBC or static-RSA suite is offered.
   */
  public static final List<String> CIPHERS = List.copyOf(Http2SecurityUtil.CIPHERS);
  private final List<InetSocketAddress> addresses;
  private final ConnectOptions options;

  private NettyListener(List<InetSocketAddress> addresses, ConnectOptions options) {
    this.addresses = addresses;
    this.options = options;
  }

  /**
   * Where a server on {@code port} listens: the given hosts, else 127.0.0.1 and, when this
   * machine has it and a port is named, ::1 (port 0 would give the two different ports).
   */
  public static NettyListener of(int port, ConnectOptions options) {
    List<InetAddress> hosts = options.hosts().isEmpty() ? loopback(port)
        : withoutCoveredWildcard(options.hosts());
    List<InetSocketAddress> addresses = new ArrayList<>();
    hosts.forEach(h -> addresses.add(new InetSocketAddress(h, port)));
    return new NettyListener(List.copyOf(addresses), options);
  }

  /**
   * The hosts less 0.0.0.0 when :: is among them and this system's :: takes IPv4 too (Linux's
   * default): listening on both would fail with "address in use", yet the user asked for both.
   */
  static List<InetAddress> withoutCoveredWildcard(List<InetAddress> hosts) {
    boolean v6Any = hosts.stream()
        .anyMatch(h -> h instanceof Inet6Address && h.isAnyLocalAddress());
    if (!v6Any || !dualStack()) {
      return hosts;
    }
    return hosts.stream().filter(h -> h instanceof Inet6Address || !h.isAnyLocalAddress())
        .collect(Collectors.toList());
  }

  private static boolean dualStack() {
    try {
      return Files.readString(BIND_V6_ONLY).trim().equals("0");
    } catch (IOException e) {
      return false;
    }
  }

  private static final Path BIND_V6_ONLY = Path.of("/proc/sys/net/ipv6/bindv6only");

  private static List<InetAddress> loopback(int port) {
    List<InetAddress> hosts = new ArrayList<>(List.of(InetAddress.getLoopbackAddress()));
    if (port != 0) {
      try {
        InetAddress v6 = InetAddress.getByName("::1");
        if (!hosts.contains(v6) && NetworkInterface.getByInetAddress(v6) != null) {
          hosts.add(v6);
        }
      } catch (IOException e) {
        // no IPv6 loopback here: IPv4 alone
      }
    }
    return hosts;
  }

  public List<InetSocketAddress> addresses() {
    return addresses;
  }

  /**
   * A Netty server builder for these addresses and settings; {@code ticker} is the connection
   * cap's clock ({@link PeerConnections}: how long a connection has been quiet, its lines once a
   * minute), the server's, so that a test can pass the quiet floor at once.
   */
  public ServerBuilder<?> builder(Ticker ticker) {
    NettyServerBuilder b;
    // A connection quiet for as long as the idle timeout (30 s at most) is idle for the cap too.
    Duration quietFloor = options.maxConnectionIdle().compareTo(QuietConnections.MOST_FLOOR) < 0
        ? options.maxConnectionIdle() : QuietConnections.MOST_FLOOR;
    PeerConnections peers = new PeerConnections(options.maxConnectionsPerClient(),
        options.handshakeTimeout(), quietFloor, ticker);
    try {
      // The PEM files are read here, and parsed by forAddress.
      b = NettyServerBuilder.forAddress(addresses.get(0), peers.watch(credentials(options)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("--tls-cert " + options.tlsCert() + ", --tls-key "
          + options.tlsKey() + (options.tlsClientCa() != null ? ", --tls-client-ca "
          + options.tlsClientCa() : "") + ": not a PEM certificate chain, PKCS#8 PEM key and "
          + "PEM CA certificates (" + e.getMessage() + ")", e);
    }
    addresses.stream().skip(1).forEach(b::addListenAddress);
    if (options.keepaliveTime() != null) {
      b.keepAliveTime(options.keepaliveTime().toNanos(), TimeUnit.NANOSECONDS);
    }
    if (options.maxConnectionAge() != null) {
      b.maxConnectionAge(options.maxConnectionAge().toNanos(), TimeUnit.NANOSECONDS);
    }
    // Counted from the connection's start, so a peer that never opens a call goes too.
    b.maxConnectionIdle(options.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS);
    // Idle time starts at the handshake's end: before it, only this closes a silent peer.
    b.handshakeTimeout(options.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    b.addTransportFilter(peers.readiness());
    b.addStreamTracerFactory(peers.calls());
    b.maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION);
    b.maxRstFramesPerWindow(ResetLimit.MAX_RESETS, ResetLimit.WINDOW_SECONDS);
    b.permitKeepAliveTime(PERMIT_KEEPALIVE_TIME.toNanos(), TimeUnit.NANOSECONDS);
    b.permitKeepAliveWithoutCalls(false);
    // gRPC's default (8 KiB) would refuse an identity provider's token (MetadataLimit says why).
    b.maxInboundMetadataSize(MetadataLimit.MAX_BYTES);
    return b;
  }

  /**
   * TLS on the transport's native engine where one is bundled (grpc-netty-shaded carries
   * netty-tcnative's BoringSSL for linux-x86_64, and others), else the JDK's; mTLS requires a
   * client certificate chaining to the client CA.
   */
  private static ServerCredentials credentials(ConnectOptions o) throws IOException {
    if (!o.tls()) {
      return InsecureServerCredentials.create();
    }
    // The key manager, not the files: each handshake gets the pair in force (LiveKeys).
    SslContextBuilder tls = GrpcSslContexts.configure(SslContextBuilder.forServer(
        o.keys().keyManager()), engine()).ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
    if (o.tlsClientCa() != null) {
      // The trust manager, not the file: each handshake gets the CAs in force (LiveClientCa).
      tls.trustManager(o.clientCa().trustManager()).clientAuth(ClientAuth.REQUIRE);
    }
    return new HandshakeFailures(Ticker.systemTicker())
        .watch(NettySslContextServerCredentials.create(tls.build()));
  }

  /** The TLS engine: the bundled native one when it loads here, else the JDK's. */
  static SslProvider engine() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** The TLS engine in words, for the start-up log. */
  public static String describeEngine() {
    return OpenSsl.isAvailable() ? "native " + OpenSsl.versionString() + " (netty-tcnative)"
        : "the JDK's (no native engine: " + OpenSsl.unavailabilityCause().getMessage() + ")";
  }

  /** The addresses as {@code 127.0.0.1:50051, [::1]:50051}, with the bound {@code port}. */
  public String describe(int port) {
    return addresses.stream().map(a -> hostPort(a.getAddress(), port))
        .collect(Collectors.joining(", "));
  }

  /**
   * One address as {@code 127.0.0.1:50051} or {@code [::1]:50051}: the one way every port's
   * messages write it (an InetAddress's own words are {@code /127.0.0.1}).
   */
  public static String hostPort(InetAddress address, int port) {
    return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]:" + port
        : address.getHostAddress() + ":" + port;
  }
}
