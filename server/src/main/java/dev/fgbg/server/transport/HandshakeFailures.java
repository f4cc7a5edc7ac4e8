package dev.fgbg.server.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.Causes;
import dev.fgbg.common.observe.MinuteLines;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Names peers whose TLS handshake fails (a plaintext client on a TLS port, a client that does
 * not trust the server's certificate, an mTLS client without one of the client CA): grpc-netty
 * drops such a connection without a word, as its transport never starts. At most one WARNING
 * line a minute, then with the count since ({@link MinuteLines}): any peer can fail a
 * handshake. A peer that connects and goes without a byte (a TCP probe) is not counted.
 */
final class HandshakeFailures {
  private static final Logger LOG = Logger.getLogger(HandshakeFailures.class.getName());

  private final MinuteLines lines;

  HandshakeFailures(Ticker ticker) {
    this.lines = new MinuteLines(LOG, Level.WARNING, ticker::read, (n, s, latest) ->
        String.format(Locale.ROOT, "%d more TLS handshakes failed in the last %d s (last: %s)",
            n, s, latest));
  }

  /** {@code tls} (Netty TLS credentials), its failed handshakes logged. */
  ServerCredentials watch(ServerCredentials tls) {
    return ConnectionHandlers.around(tls, (negotiation, http2) -> new Watch(negotiation));
  }

  void failed(SocketAddress peer, Throwable cause) {
    if (leftMidway(cause)) {
      // Connected and went (a probe, or a client whose deadline passed as it connected): no
      // TLS problem to warn of.
      LOG.fine(() -> "TLS handshake with " + ClientIdentity.address(peer) + " ended: the "
          + "client closed the connection (" + TransportFaults.words(cause) + ")");
      return;
    }
    String what = ClientIdentity.address(peer) + ": " + why(cause);
    lines.log("TLS handshake failed with " + what + " (" + MinuteLines.COUNTED + ")", what);
  }

  /**
   * Whether the handshake failed because the client closed the connection mid-way: the channel
   * closed, or TLS could not write its next message to it (Netty's "failure when writing TLS
   * control frames", over a closed channel or a reset).
   */
  static boolean leftMidway(Throwable cause) {
    for (Throwable t : Causes.chain(cause)) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof ClosedChannelException || m.contains("failure when writing TLS control")
          || m.contains("Connection reset") || m.contains("Broken pipe")) {
        return true;
      }
    }
    return false;
  }

  /** The failure in words, with a hint at its likely cause (not the peer's bytes). */
  static String why(Throwable cause) {
    if (cause.getClass().getSimpleName().equals("NotSslRecordException")) {
      return "it sent no TLS (a plaintext client on this TLS port?)";
    }
    String words = TransportFaults.words(cause);
    String m = String.valueOf(cause.getMessage()).toUpperCase(Locale.ROOT);
    if (m.contains("CERTIFICATE_REQUIRED") || m.contains("PEER_DID_NOT_RETURN")
        || m.contains("CERTIFICATE_VERIFY_FAILED")) {
      return "its certificate is missing or not from --tls-client-ca " + words;
    }
    return m.contains("ALERT") ? "it broke the handshake off (does it trust the CA of "
        + "--tls-cert?) " + words : words;
  }

  /**
   * Puts the TLS handlers in its own place and, once TLS has its handler (when the connection
   * is active), watches the handshake and goes: the pipeline is then as it would have been.
   */
  private final class Watch extends ChannelInboundHandlerAdapter {
    private final ChannelHandler tls;

    Watch(ChannelHandler tls) {
      this.tls = tls;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.pipeline().addBefore(ctx.name(), null, tls);
      watch(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      watch(ctx);
      ctx.fireChannelActive();
    }

    private void watch(ChannelHandlerContext ctx) {
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      if (ssl == null) {
        return; // not yet: TLS waits for the connection to be active
      }
      SocketAddress peer = ctx.channel().remoteAddress();
      ssl.handshakeFuture().addListener(f -> {
        if (!f.isSuccess()) {
          failed(peer, f.cause());
        }
      });
      ctx.pipeline().remove(this);
    }
  }
}
