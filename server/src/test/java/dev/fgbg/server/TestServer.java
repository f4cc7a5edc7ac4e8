package dev.fgbg.server;

import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.server.grpc.ConnectOptions;
import dev.fgbg.server.grpc.FgbgServer;
import dev.fgbg.server.grpc.ServiceOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** A started server plus a channel to it: in-process for unit tests, Netty for integration. */
public final class TestServer implements AutoCloseable {
  private final FgbgServer server;
  private final ManagedChannel channel;
  private final ExecutorService pool;

  private final int threads;
  private final List<ManagedChannel> extra = new ArrayList<>();

  private TestServer(FgbgServer server, ManagedChannel channel, ExecutorService pool,
      int threads) {
    this.server = server;
    this.channel = channel;
    this.pool = pool;
    this.threads = threads;
  }

  public static TestServer inProcess(DatasetRegistry registry, int threads) {
    return inProcess(registry, threads, exportRoot());
  }

  public static TestServer inProcess(DatasetRegistry registry, int threads, Path exportRoot) {
    return inProcess(registry, threads, exportRoot, List.of());
  }

  /** With depth runtimes, reported by ServerStats. */
  public static TestServer inProcess(DatasetRegistry registry, int threads, Path exportRoot,
      List<DepthRuntime> depth) {
    String name = InProcessServerBuilder.generateName();
    ExecutorService pool = NamedThreads.fixedPool("test-worker", threads);
    FgbgServer s = start(new FgbgServer(InProcessServerBuilder.forName(name), registry, pool,
        depth, options(threads, exportRoot)));
    return new TestServer(s, InProcessChannelBuilder.forName(name)
        .maxInboundMessageSize(64 << 20).build(), pool, threads);
  }

  public static TestServer netty(DatasetRegistry registry, int threads) {
    return netty(registry, threads, exportRoot());
  }

  public static TestServer netty(DatasetRegistry registry, int threads, Path exportRoot) {
    return netty(registry, threads, options(threads, exportRoot));
  }

  /** On Netty with the given options (window, export root, load limits). */
  public static TestServer netty(DatasetRegistry registry, int threads, ServiceOptions options) {
    return netty(registry, threads, options, ConnectOptions.builder().build());
  }

  /**
   * On Netty with the given service options and transport (addresses, TLS, keepalive); its
   * {@link #channel()} is plaintext to 127.0.0.1, other channels come from {@link #channel}.
   */
  public static TestServer netty(DatasetRegistry registry, int threads, ServiceOptions options,
      ConnectOptions connect) {
    ExecutorService pool = NamedThreads.fixedPool("test-worker", threads);
    FgbgServer s = start(new FgbgServer(FgbgServer.netty(0, connect), registry, pool, List.of(),
        options));
    return new TestServer(s, Grpc.newChannelBuilder("127.0.0.1:" + s.port(),
        InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).build(), pool, threads);
  }

  /** Another channel to this (Netty) server, with these credentials; closed with the server. */
  public synchronized ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel c = Grpc.newChannelBuilder("localhost:" + server.port(), credentials)
        .maxInboundMessageSize(64 << 20).build();
    extra.add(c);
    return c;
  }

  /** A fresh temporary export root. */
  public static Path exportRoot() {
    try {
      Path p = Files.createTempDirectory("fgbg-exports");
      p.toFile().deleteOnExit();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ServiceOptions options(int threads, Path exportRoot) {
    return ServiceOptions.builder().window(2 * threads).exportRoot(exportRoot).build();
  }

  private static FgbgServer start(FgbgServer s) {
    try {
      return s.start(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns once every task queued on the render pool before this call has finished: one
   * barrier task per thread, all of which must be running at once.
   */
  public void drainWorkers() throws InterruptedException {
    CountDownLatch all = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      pool.execute(() -> {
        all.countDown();
        try {
          all.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    if (!all.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the render pool did not drain");
    }
  }

  public ManagedChannel channel() {
    return channel;
  }

  public FgbgServer server() {
    return server;
  }

  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      for (ManagedChannel c : extra) {
        c.shutdownNow();
      }
    }
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.stop(Duration.ofSeconds(2));
    pool.shutdownNow();
  }
}
