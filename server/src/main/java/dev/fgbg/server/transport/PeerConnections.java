package dev.fgbg.server.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.common.Durations;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ServerCredentials;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.ServerStreamTracer;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Caps the connections one peer (remote IP address, named as {@link ClientIdentity#client}, so
 * that all local processes are one) may hold open: each takes a file
 * descriptor, and without a cap one host holding idle connections ran the server out of them
 * (no call, so no token, needed). A connection over the cap makes room by closing the
 * client's oldest connection never served (no call that passed authentication), else its
 * connection that has held only health watches or unread streams for longest, if for long
 * enough ({@link QuietConnections}); else it is closed at once, and at most one
 * WARNING line a minute says so, with a count. A connection closed for not finishing its
 * handshake within --handshake-timeout (grpc closes it without a word) is one INFO line a
 * minute with a count, as {@link #halfOpen}. It also names, while Netty reads a connection's
 * bytes, the peer they come from, for {@link TransportFaults}' lines.
 */
final class PeerConnections {
  private static final Logger LOG = Logger.getLogger(PeerConnections.class.getName());
  /** The peer whose bytes this (event loop) thread is reading, while it reads them. */
  private static final ThreadLocal<String> READING = new ThreadLocal<>();

  private final int max;
  private final Duration handshakeTimeout;
  private final Ticker ticker;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();
  /** Connections (by remote address and port) whose HTTP/2 handshake ended: grpc's ready. */
  private final Set<SocketAddress> ready = ConcurrentHashMap.newKeySet();
  private final MinuteLines refusals;
  private final MinuteLines halfOpen;
  private final QuietConnections quiet;

  /**
   * @param max connections one IP address may hold open at once
   * @param handshakeTimeout grpc's handshake timeout, for naming connections closed by it
   * @param quietFloor how long a connection must be quiet to be closed for a newcomer
   */
  PeerConnections(int max, Duration handshakeTimeout, Duration quietFloor, Ticker ticker) {
    this.max = max;
    this.quiet = new QuietConnections(max, quietFloor, ticker);
    this.handshakeTimeout = handshakeTimeout;
    this.ticker = ticker;
    String timeout = Durations.words(handshakeTimeout);
    this.halfOpen = new MinuteLines(LOG, Level.INFO, ticker::read, (n, s, latest) ->
        String.format(Locale.ROOT, "%d more connections closed that did not finish their "
            + "handshake within --handshake-timeout %s in the last %d s (last from %s)",
            n, timeout, s, latest));
    this.refusals = new MinuteLines(LOG, Level.WARNING, ticker::read, (n, s, latest) ->
        String.format(Locale.ROOT, "%d more connections refused over "
            + "--max-connections-per-client %d in the last %d s (last: %s)", n, max, s, latest));
  }

  /** The peer whose bytes the calling thread is reading now, or null. */
  static String reading() {
    return READING.get();
  }

  /** Connections {@code peer} holds open now. */
  int open(InetAddress peer) {
    return open.getOrDefault(ClientIdentity.client(peer), 0);
  }

  /** {@code credentials} (Netty's), each connection counted against its peer's cap. */
  ServerCredentials watch(ServerCredentials credentials) {
    return ConnectionHandlers.around(credentials, Gate::new);
  }

  /** Gives each call what {@link ConnectionCalls} says of it, on its connection. */
  ServerStreamTracer.Factory calls() {
    return quiet.tracer();
  }

  /**
   * Counts a new connection of {@code peer}; false (not counted) when it is over the cap and no
   * quiet connection of its client could be closed for it. Closing one, the count is one over
   * the cap until that connection has closed.
   */
  boolean admit(InetAddress peer) {
    String client = ClientIdentity.client(peer);
    int[] now = new int[1];
    open.compute(client, (p, n) -> {
      now[0] = n == null ? 1 : n + 1;
      return now[0] > max ? n : (Integer) now[0];
    });
    if (now[0] <= max) {
      return true;
    }
    if (quiet.makeRoom(client)) {
      open.merge(client, 1, Integer::sum);
      return true;
    }
    String what = client + ", which has " + max + " open";
    refusals.log("refused a connection from " + what + ", the most --max-connections-per-client"
        + " allows (" + MinuteLines.COUNTED + ")", what);
    return false;
  }

  void closed(InetAddress peer) {
    open.computeIfPresent(ClientIdentity.client(peer), (p, n) -> n <= 1 ? null : n - 1);
  }

  /** Marks connections ready when grpc has their HTTP/2 SETTINGS (after TLS, if any). */
  ServerTransportFilter readiness() {
    return new ServerTransportFilter() {
      @Override
      public Attributes transportReady(Attributes a) {
        SocketAddress remote = a.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (remote != null) {
          ready.add(remote);
          quiet.ready(remote);
        }
        return a;
      }
    };
  }

  /**
   * A connection of {@code peer} from {@code remote}, open {@code nanos}, has closed: when it
   * never got ready and lived the handshake timeout, grpc closed it for that (a socket that
   * sent part of the preface and sat, holding a place under the cap).
   */
  void ended(SocketAddress remote, InetAddress peer, long nanos) {
    closed(peer);
    if (!ready.remove(remote) && nanos >= handshakeTimeout.toNanos()) {
      String client = ClientIdentity.client(peer);
      halfOpen.log("closed a connection from " + client + " that did not finish its handshake "
          + "(HTTP/2 preface and SETTINGS, after TLS if any) within --handshake-timeout "
          + Durations.words(handshakeTimeout) + " (" + MinuteLines.COUNTED + ")", client);
    }
  }

  /**
   * Admits the connection (else closes it) and puts the negotiator's handler in its own place,
   * with {@link Reading} first in the pipeline, so that it sees bytes before TLS does, and
   * {@link IdleStreamResets} next.
   */
  private final class Gate extends ChannelInboundHandlerAdapter {
    private final ChannelHandler inner;
    private final Http2ConnectionHandler http2;

    Gate(ChannelHandler inner, Http2ConnectionHandler http2) {
      this.inner = inner;
      this.http2 = http2;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
        InetAddress peer = a.getAddress();
        if (!admit(peer)) {
          ctx.channel().close();
          return;
        }
        SocketAddress remote = a;
        long opened = ticker.read();
        ctx.channel().closeFuture().addListener(f -> ended(remote, peer, ticker.read() - opened));
        quiet.opened(ClientIdentity.client(peer), remote, ctx.channel(), http2);
      }
      String address = ClientIdentity.address(ctx.channel().remoteAddress());
      ctx.pipeline().addFirst(IdleStreamResets.placement(http2.connection(), address, ticker));
      ctx.pipeline().addFirst(new Reading(address));
      ctx.pipeline().addBefore(ctx.name(), null, inner);
      ctx.pipeline().remove(this);
    }
  }

  /** Names the peer to the thread while it handles what the peer sent (and its end). */
  private static final class Reading extends ChannelInboundHandlerAdapter {
    private final String peer;

    Reading(String peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      named(() -> ctx.fireChannelRead(msg));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      named(ctx::fireChannelReadComplete);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      named(ctx::fireChannelInactive);
    }

    private void named(Runnable event) {
      String was = READING.get();
      READING.set(peer);
      try {
        event.run();
      } finally {
        if (was == null) {
          READING.remove();
        } else {
          READING.set(was);
        }
      }
    }
  }
}
