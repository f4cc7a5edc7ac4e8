package dev.fgbg.server.grpc;

import io.grpc.ServerCredentials;
import io.grpc.internal.ObjectPool;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * The one place fgbg reaches into grpc-netty's internal negotiator API: it is how a server sees
 * a connection before gRPC does (its TLS handshake, its peer), which no public API offers. A
 * gRPC upgrade that changes that API breaks only this class.
 */
final class ConnectionHandlers {
  private ConnectionHandlers() {}

  /**
   * {@code credentials} (Netty's) whose every connection's first handler, the negotiation's, is
   * wrapped by {@code around}.
   */
  static ServerCredentials around(ServerCredentials credentials,
      UnaryOperator<ChannelHandler> around) {
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
      InternalProtocolNegotiator.ProtocolNegotiator inner, UnaryOperator<ChannelHandler> around) {
    return new InternalProtocolNegotiator.ProtocolNegotiator() {
      @Override
      public AsciiString scheme() {
        return inner.scheme();
      }

      @Override
      public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpc) {
        return around.apply(inner.newHandler(grpc));
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }
}
