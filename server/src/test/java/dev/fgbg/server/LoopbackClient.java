package dev.fgbg.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A client on loopback with its own event loop and callback threads, as a separate process
 * would have: in one JVM, channels otherwise share Netty's default event loops with the server,
 * and a busy client would slow the server's other connections through them.
 */
public final class LoopbackClient implements AutoCloseable {
  private final NioEventLoopGroup loop = new NioEventLoopGroup(1);
  private final ExecutorService callbacks = Executors.newCachedThreadPool();
  private final OpenCalls calls = new OpenCalls();
  private final ManagedChannel channel;

  public LoopbackClient(int port) {
    this(port, NettyChannelBuilder.DEFAULT_FLOW_CONTROL_WINDOW);
  }

  /**
   * With a flow-control window of {@code window} bytes a stream (what the transport takes of a
   * stream its caller does not read).
   */
  public LoopbackClient(int port, int window) {
    this("localhost", port, window);
  }

  /** To {@code host} (e.g. 127.0.0.1 or ::1, to choose the peer address the server sees). */
  public LoopbackClient(String host, int port, int window) {
    this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
        .eventLoopGroup(loop).channelType(NioSocketChannel.class).executor(callbacks)
        .maxInboundMessageSize(64 << 20).flowControlWindow(window).intercept(calls).build();
  }

  public ManagedChannel channel() {
    return channel;
  }

  /**
   * Cancels the calls still open, while their channel and the server are up. A call whose
   * stream the server ended (reset it, sent its status, closed its connection) keeps the bytes
   * it received and never read in grpc's client transport, which closing the channel does not
   * reach: Netty's leak detector names them once they are garbage, as a SEVERE record in
   * whatever test then runs in this JVM (which {@code LogCapture.Clean} fails).
   */
  public void release() {
    calls.cancelAll();
  }

  @Override
  public void close() throws InterruptedException {
    release();
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    callbacks.shutdownNow();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
