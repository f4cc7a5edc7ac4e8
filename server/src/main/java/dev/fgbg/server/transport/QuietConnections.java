package dev.fgbg.server.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.observe.MinuteLines;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Connection;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Each client's open connections and, for {@link PeerConnections}, which may be closed for a
 * newcomer. First one never served (it began no call that passed authentication; health calls
 * never do: {@link ConnectionCalls.Call#authenticated}), by evidence: a call refused
 * UNAUTHENTICATED, then no HTTP/2 handshake, then (no Watch open) {@link #GRACE} old, oldest
 * first; one younger, a client's about to authenticate, is left. Else one quiet: it began no
 * call, and every call it has open has been quiet ({@link ConnectionCalls}: a health Watch, a
 * stream whose client does not read), for {@code floor} or more. It is closed to make room
 * (its calls end UNAVAILABLE and a GOAWAY follows, both saying why, then the socket closes),
 * so that a peer's sockets, or processes holding watches or unread streams, cannot lock the
 * client's other processes out; a connection in use is never closed. A connection with no
 * call open is quiet too, and is told so. One INFO line a minute, with a count, says so.
 */
final class QuietConnections {
  private static final Logger LOG = Logger.getLogger(QuietConnections.class.getName());
  /** The most a connection must be quiet, whatever --max-connection-idle is, to be closed. */
  static final Duration MOST_FLOOR = Duration.ofSeconds(30);
  /** How long a new connection may take to begin its first authenticated call, unclosed. */
  static final Duration GRACE = Duration.ofSeconds(1);
  /** How long a closed connection's GOAWAY may take to go out before the socket closes. */
  private static final long GOAWAY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final String WATCH = HealthGrpc.getWatchMethod().getFullMethodName();
  private static final int NONE = Integer.MAX_VALUE; // no evidence: not closed for it

  private final long floorNanos;
  private final int max;
  private final Ticker ticker;
  private final Map<String, Set<Connection>> byClient = new ConcurrentHashMap<>();
  private final Map<SocketAddress, Connection> byRemote = new ConcurrentHashMap<>();
  private final MinuteLines lines;

  /** @param floor how long a connection must be quiet to be closed for a newcomer */
  QuietConnections(int max, Duration floor, Ticker ticker) {
    this.max = max;
    this.floorNanos = floor.toNanos();
    this.ticker = ticker;
    this.lines = new MinuteLines(LOG, Level.INFO, ticker::read, (n, s, latest) ->
        String.format(Locale.ROOT, "%d more quiet connections closed to make room for new "
            + "connections of their client in the last %d s (last: %s)", n, s, latest));
  }

  /** One open connection of a client. */
  final class Connection {
    private final Channel channel;
    private final Http2ConnectionHandler http2;
    private final Set<ConnectionCalls.Call> calls = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final long openedAt;
    /** Whether its HTTP/2 handshake ended (grpc's transport ready); a call was refused. */
    private volatile boolean handshaken;
    private volatile boolean refused;
    /** When the client last began a call that passed authentication, or connected. */
    private volatile long lastBegun;
    /** Whether it ever began a call that passed authentication (health calls never do). */
    private volatile boolean served;
    /** The digest of its last token that passed: that token is no guess (TokenGuesses). */
    private final ConnectionCalls.Token token = new ConnectionCalls.Token();

    private Connection(Channel channel, Http2ConnectionHandler http2) {
      this.channel = channel;
      this.http2 = http2;
      this.lastBegun = ticker.read();
      this.openedAt = lastBegun;
    }

    /** Closable for a newcomer by what it did: 0 refused, 1 no handshake, 2 idle past GRACE. */
    private int evidence(long now) {
      if (served || closing.get()) {
        return NONE;
      }
      if (refused) {
        return 0;
      }
      if (!handshaken) {
        return 1;
      }
      // A health Watch's connection (a proxy's) waits for the quiet floor instead.
      boolean watching = calls.stream().anyMatch(k -> k.quietSince() != ConnectionCalls.BUSY);
      return !watching && now - openedAt >= GRACE.toNanos() ? 2 : NONE;
    }

    /** Since when it has been quiet, or BUSY. */
    private long quietSince() {
      long since = lastBegun;
      for (ConnectionCalls.Call c : calls) {
        since = Math.max(since, c.quietSince());
      }
      return since;
    }
  }

  /** The connection from {@code remote} finished its HTTP/2 handshake. */
  void ready(SocketAddress remote) {
    Connection c = byRemote.get(remote);
    if (c != null) {
      c.handshaken = true;
    }
  }

  /** Tracks {@code channel}, a new connection of {@code client}, until it closes. */
  void opened(String client, SocketAddress remote, Channel channel,
      Http2ConnectionHandler http2) {
    Connection c = new Connection(channel, http2);
    byRemote.put(remote, c);
    byClient.computeIfAbsent(client, k -> ConcurrentHashMap.newKeySet()).add(c);
    channel.closeFuture().addListener(f -> {
      byRemote.remove(remote, c);
      byClient.computeIfPresent(client, (k, s) -> {
        s.remove(c);
        return s.isEmpty() ? null : s;
      });
    });
  }

  /**
   * Closes {@code client}'s connection quiet for longest, if for the floor or more: false when
   * none is. Its calls end UNAVAILABLE, the GOAWAY's words saying why.
   */
  boolean makeRoom(String client) {
    Set<Connection> mine = byClient.get(client);
    if (mine == null) {
      return false;
    }
    long now = ticker.read();
    Connection quietest = null;
    long quietestSince = Long.MAX_VALUE;
    // First a connection never served, by evidence against it (a refused call, no handshake;
    // else idle past the grace), oldest first: a peer's silent or refused sockets cannot lock
    // out a process of the same address, nor evict its connection about to authenticate.
    int best = NONE;
    for (Connection c : mine) {
      int e = c.evidence(now);
      if (e < best || e == best && e != NONE && c.openedAt < quietestSince) {
        best = e;
        quietest = c;
        quietestSince = c.openedAt;
      }
    }
    if (quietest == null) {
      quietestSince = now - floorNanos + 1;
      for (Connection c : mine) {
        long since = c.quietSince();
        if (since < quietestSince && !c.closing.get()) {
          quietest = c;
          quietestSince = since;
        }
      }
    }
    if (quietest == null || !quietest.closing.compareAndSet(false, true)) {
      return false;
    }
    long seconds = (now - quietestSince) / 1_000_000_000L;
    // A connection with no call open (one the idle timeout has not yet closed) is told so: it
    // held no watch or stream at all.
    boolean none = quietest.calls.isEmpty();
    String held = none ? "had no call open" : "held only health watches or unread streams";
    String why = String.format(Locale.ROOT, "closed to make room for a new connection of "
        + "client %s (over --max-connections-per-client %d): this connection %s, and began %s, "
        + "for %d s", client, max, held, none ? "none" : "no call", seconds);
    lines.log(String.format(Locale.ROOT, "Closed a connection of %s that %s for %d s, to make "
        + "room for a new connection of that client (over --max-connections-per-client %d); %s",
        client, held, seconds, max, MinuteLines.COUNTED), client + ", quiet for " + seconds
        + " s");
    closeForNewcomer(quietest, why);
    return true;
  }

  /**
   * Ends the connection's calls UNAVAILABLE with {@code why} (trailers, which a client hears
   * unless the call's data it does not read is ahead of them), sends GOAWAY with {@code why},
   * then closes the socket.
   */
  private static void closeForNewcomer(Connection c, String why) {
    Channel ch = c.channel;
    ch.eventLoop().execute(() -> {
      ch.eventLoop().schedule(() -> abort(ch), GOAWAY_NANOS, TimeUnit.NANOSECONDS);
      ChannelHandlerContext ctx = ch.pipeline().context(c.http2);
      if (ctx == null) {
        abort(ch);
        return;
      }
      Http2Connection http2 = c.http2.connection();
      try {
        http2.forEachActiveStream(stream -> {
          if (http2.remote().isValidStreamId(stream.id()) && stream.state().localSideOpen()) {
            c.http2.encoder().writeHeaders(ctx, stream.id(), unavailable(why,
                stream.isHeadersSent()), 0, true, ctx.newPromise());
          }
          return true;
        });
      } catch (Http2Exception e) {
        // The visitor throws nothing: the calls then end as the socket closes.
      }
      c.http2.goAway(ctx, http2.remote().lastStreamCreated(), Http2Error.NO_ERROR.code(),
          Unpooled.copiedBuffer(why, StandardCharsets.UTF_8), ctx.newPromise())
          .addListener(f -> abort(ch));
      ctx.flush();
    });
  }

  /** A call's trailers: UNAVAILABLE with {@code why} (ASCII, nothing to percent-encode). */
  private static Http2Headers unavailable(String why, boolean headersSent) {
    Http2Headers trailers = new DefaultHttp2Headers();
    if (!headersSent) {
      trailers.status("200").set("content-type", "application/grpc");
    }
    return trailers.set("grpc-status", String.valueOf(Status.Code.UNAVAILABLE.value()))
        .set("grpc-message", why);
  }

  /** Closes the socket from the pipeline's head, not waiting for the calls: gRPC ends them. */
  private static void abort(Channel ch) {
    ChannelHandlerContext first = ch.pipeline().firstContext();
    if (first != null) {
      first.close();
    } else {
      ch.close();
    }
  }

  /** Gives each call its {@link ConnectionCalls.Call}, on its connection while it is open. */
  ServerStreamTracer.Factory tracer() {
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String method, Metadata headers) {
        return new Tracer(new ConnectionCalls.Call(method.equals(WATCH) ? ticker.read()
            : ConnectionCalls.BUSY));
      }
    };
  }

  private final class Tracer extends ServerStreamTracer {
    private final ConnectionCalls.Call call;
    private volatile Connection on;

    Tracer(ConnectionCalls.Call call) {
      this.call = call;
    }

    @Override
    public Context filterContext(Context context) {
      return context.withValue(ConnectionCalls.CALL, call);
    }

    @Override
    public void serverCallStarted(ServerCallInfo<?, ?> info) {
      SocketAddress remote = info.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      Connection c = remote != null ? byRemote.get(remote) : null;
      if (c != null) {
        on = c;
        c.calls.add(call);
        call.onAuthenticated(() -> {
          c.served = true;
          c.lastBegun = ticker.read();
        });
        call.onRefused(() -> c.refused = true);
        call.connectionToken(c.token);
      }
    }

    @Override
    public void streamClosed(Status status) {
      Connection c = on;
      if (c != null) {
        c.calls.remove(call);
      }
    }
  }
}
