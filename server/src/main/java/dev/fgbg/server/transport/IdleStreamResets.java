package dev.fgbg.server.transport;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.ResetLimit;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Connection;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Drops a client's RST_STREAM for a stream it never opened, before Netty reads it. HTTP/2 calls
 * that a connection error, and Netty closes the connection, failing every other call on it
 * UNAVAILABLE; but grpc-core (Python's client) sends one when a call's deadline passes after its
 * stream id was taken and before its HEADERS went out (its control frames are written ahead of
 * the streams'). Such a reset cancels nothing the server has, so dropping it is what both sides
 * meant. Only such resets are taken out: every other byte reaches Netty as it came, and a reset
 * of stream 0, of a server stream or of the wrong length is still Netty's error. So are such
 * resets past the rapid-reset rate ({@link ResetLimit#MAX_RESETS} a window): a
 * flood of them is no client's deadline.
 *
 * <p>{@link #placement} goes first in the pipeline; on the connection's first bytes it puts the
 * filter where it reads HTTP/2 frames: after TLS when the connection has it, else in its place.
 */
final class IdleStreamResets extends ByteToMessageDecoder {
  private static final Logger LOG = Logger.getLogger(IdleStreamResets.class.getName());
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(
      StandardCharsets.US_ASCII);
  private static final int FRAME_HEAD = 9;
  private static final int RST_STREAM = 3;
  private static final int RESET = FRAME_HEAD + 4;
  private static final long WINDOW = TimeUnit.SECONDS.toNanos(ResetLimit.WINDOW_SECONDS);

  private final Http2Connection connection;
  private final String peer;
  private final Ticker ticker;
  private long windowStart;
  private int dropped;
  /** Preface bytes still to check; -1 once the peer is found not to speak HTTP/2. */
  private int preface = PREFACE.length;
  /** Bytes of the current frame's payload still to pass on. */
  private long payload;

  private IdleStreamResets(Http2Connection connection, String peer, Ticker ticker) {
    this.connection = connection;
    this.peer = peer;
    this.ticker = ticker;
    this.windowStart = ticker.read();
  }

  /** The handler that installs the filter for {@code connection}'s bytes from {@code peer}. */
  static ChannelInboundHandlerAdapter placement(Http2Connection connection, String peer,
      Ticker ticker) {
    return new Placement(connection, peer, ticker);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int at = start;
    int end = in.writerIndex();
    while (at < end) {
      if (preface < 0) {
        at = end; // not HTTP/2: Netty says so
      } else if (preface > 0) {
        int n = Math.min(preface, end - at);
        int from = PREFACE.length - preface;
        preface -= n;
        for (int k = 0; k < n && preface >= 0; k++) {
          preface = in.getByte(at + k) == PREFACE[from + k] ? preface : -1;
        }
        at += n;
      } else if (payload > 0) {
        int n = (int) Math.min(payload, end - at);
        payload -= n;
        at += n;
      } else if (end - at < FRAME_HEAD) {
        break; // the rest of a frame's head comes with the next read
      } else if (in.getByte(at + 3) != RST_STREAM
          || in.getUnsignedMedium(at) != RESET - FRAME_HEAD) {
        payload = in.getUnsignedMedium(at);
        at += FRAME_HEAD;
      } else if (end - at < RESET) {
        break;
      } else if (at > start) {
        break; // what came before goes to Netty first, so that it knows the streams opened
      } else {
        int stream = in.getInt(at + 5) & Integer.MAX_VALUE;
        if (stream % 2 == 1 && !connection.streamMayHaveExisted(stream) && dropping()) {
          LOG.fine(() -> "ignored " + peer + "'s reset of stream " + stream + ", which it had "
              + "not opened (a deadline or cancel racing the call's start)");
          in.skipBytes(RESET);
          start = in.readerIndex();
        }
        at += RESET;
      }
    }
    if (at > start) {
      out.add(in.readRetainedSlice(at - start));
    }
  }

  /** Whether one more reset may be dropped in this window. */
  private boolean dropping() {
    long now = ticker.read();
    if (now - windowStart >= WINDOW) {
      windowStart = now;
      dropped = 0;
    }
    return ++dropped <= ResetLimit.MAX_RESETS;
  }

  /** Puts the filter in place on the first read, then goes. */
  private static final class Placement extends ChannelInboundHandlerAdapter {
    private final Http2Connection connection;
    private final String peer;
    private final Ticker ticker;

    Placement(Http2Connection connection, String peer, Ticker ticker) {
      this.connection = connection;
      this.peer = peer;
      this.ticker = ticker;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ChannelHandlerContext tls = ctx.pipeline().context(SslHandler.class);
      String after = tls != null ? tls.name() : ctx.name();
      ctx.pipeline().addAfter(after, null, new IdleStreamResets(connection, peer, ticker));
      ctx.fireChannelRead(msg);
      ctx.pipeline().remove(this);
    }
  }
}
