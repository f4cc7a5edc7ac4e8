package dev.fgbg.server.transport;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The server's own Netty event loops (epoll where it loads, else NIO, as gRPC's defaults), ended
 * by the stop itself. gRPC's shared loops outlive the server by a second, their threads waiting
 * in epoll_wait, in native code: the JVM's exit waits up to 300 ms for such threads (at least as
 * long as the JIT's threads compile, up to 10 s), so a server stopped in 0.05 s exited 0.35 s
 * after its stop line here. Ended before that line, the exit follows it at once (but for a
 * compilation still running).
 */
public final class EventLoops implements AutoCloseable {
  /** Most a stop waits for the loops' threads to end (each has no task left by then). */
  static final Duration CLOSE_BOUND = Duration.ofSeconds(2);

  private final EventLoopGroup boss;
  private final EventLoopGroup worker;
  private final boolean epoll = Epoll.isAvailable();

  EventLoops() {
    // Daemon threads, as gRPC's: a server never stopped does not hold the JVM open.
    boss = group(1, "fgbg-netty-boss");
    worker = group(0, "fgbg-netty-worker"); // 0: Netty's default, twice the cores
  }

  private EventLoopGroup group(int threads, String name) {
    DefaultThreadFactory f = new DefaultThreadFactory(name, true);
    return epoll ? new EpollEventLoopGroup(threads, f) : new NioEventLoopGroup(threads, f);
  }

  /** {@code b} on these loops. */
  NettyServerBuilder apply(NettyServerBuilder b) {
    return b.bossEventLoopGroup(boss).workerEventLoopGroup(worker)
        .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
  }

  /** Ends the loops at once (no quiet period: the server has terminated) and waits for them. */
  @Override
  public void close() throws InterruptedException {
    long bound = CLOSE_BOUND.toMillis();
    boss.shutdownGracefully(0, bound, TimeUnit.MILLISECONDS);
    worker.shutdownGracefully(0, bound, TimeUnit.MILLISECONDS);
    boss.awaitTermination(bound, TimeUnit.MILLISECONDS);
    worker.awaitTermination(bound, TimeUnit.MILLISECONDS);
  }
}
