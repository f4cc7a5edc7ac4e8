package dev.fgbg.server.transport;

import dev.fgbg.server.status.FatalErrors;
import io.grpc.ServerCredentials;
import io.grpc.internal.ObjectPool;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.util.concurrent.Executor;

/**
 * The one place fgbg reaches into grpc-netty's internal negotiator API: it is how a server sees
 * a connection before gRPC does (its TLS handshake, its peer), which no public API offers. A
 * gRPC upgrade that changes that API breaks only this class.
 */
final class ConnectionHandlers {
  private ConnectionHandlers() {}

  /**
   * What wraps a connection's negotiation handler; it may read the connection's HTTP/2 state
   * and send it frames through gRPC's handler, {@code http2}.
   */
  @FunctionalInterface
  interface Around {
    ChannelHandler around(ChannelHandler negotiation, Http2ConnectionHandler http2);
  }

  /**
   * {@code credentials} (Netty's) whose every connection's first handler, the negotiation's, is
   * wrapped by {@code around}.
   */
  static ServerCredentials around(ServerCredentials credentials, Around around) {
    InternalProtocolNegotiator.ServerFactory factory =
        InternalNettyServerCredentials.toNegotiator(credentials);
    return InternalNettyServerCredentials.create(new InternalProtocolNegotiator.ServerFactory() {
      @Override
      public InternalProtocolNegotiator.ProtocolNegotiator newNegotiator(
          ObjectPool<? extends Executor> offload) {
        return wrapping(factory.newNegotiator(offload), around);
      }
    });
  }

  private static InternalProtocolNegotiator.ProtocolNegotiator wrapping(
      InternalProtocolNegotiator.ProtocolNegotiator inner, Around around) {
    return new InternalProtocolNegotiator.ProtocolNegotiator() {
      @Override
      public AsciiString scheme() {
        return inner.scheme();
      }

      @Override
      public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpc) {
        try {
          return around.around(inner.newHandler(grpc), grpc);
        } catch (LinkageError e) {
          // Netty would log it and close each new connection, the server still up: a class
          // of ours that cannot be loaded here is the jars changed under the process.
          FatalErrors.check(e);
          throw e;
        }
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }
}
