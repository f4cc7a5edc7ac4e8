package dev.fgbg.server;

import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.rpc.FgbgServer;
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

/**
 * A started server plus a channel to it: in-process for unit tests, Netty for integration. Both
 * are built by {@link FgbgApplication} from {@link ServerOptions}, as {@code fgbg serve} builds
 * its server; only the datasets (small test worlds) are made here.
 */
public final class TestServer implements AutoCloseable {
  private final FgbgApplication app;
  private final ManagedChannel channel;
  private final int threads;
  private final List<ManagedChannel> extra = new ArrayList<>();
  /** The calls of this server's channels, cancelled when it closes. */
  private final OpenCalls calls;

  private TestServer(FgbgApplication app, ManagedChannel channel, int threads, OpenCalls calls) {
    this.app = app;
    this.channel = channel;
    this.threads = threads;
    this.calls = calls;
  }

  /**
   * The options of a test server with {@code threads} render threads: a free port on loopback
   * and a fresh export root; the rest as {@code fgbg serve}'s defaults.
   */
  public static ServerOptions.Builder options(int threads) {
    return ServerOptions.builder().port(0).workers(threads).exportRoot(exportRoot())
        .shutdownGrace(Duration.ofSeconds(2));
  }

  public static TestServer inProcess(DatasetRegistry registry, int threads) {
    return inProcess(registry, options(threads).build(), List.of());
  }

  /** With this export root; null: exports off. */
  public static TestServer inProcess(DatasetRegistry registry, int threads, Path exportRoot) {
    ServerOptions.Builder o = options(threads);
    return inProcess(registry, (exportRoot == null ? o.noExports() : o.exportRoot(exportRoot))
        .build(), List.of());
  }

  /** With depth runtimes the datasets use, made (and closed) by the test. */
  public static TestServer inProcess(DatasetRegistry registry, int threads, Path exportRoot,
      List<DepthRuntime> depth) {
    return inProcess(registry, options(threads).exportRoot(exportRoot).build(), depth);
  }

  /** In process with {@code options} and depth runtimes the datasets use (closed by the test). */
  public static TestServer inProcess(DatasetRegistry registry, ServerOptions options,
      List<DepthRuntime> depth) {
    String name = InProcessServerBuilder.generateName();
    FgbgApplication app = FgbgApplication.create(options, List.copyOf(registry.all()), depth);
    try {
      app.start(InProcessServerBuilder.forName(name));
    } catch (IOException e) {
      app.close();
      throw new UncheckedIOException(e);
    }
    OpenCalls calls = new OpenCalls();
    return new TestServer(app, InProcessChannelBuilder.forName(name)
        .maxInboundMessageSize(64 << 20).intercept(calls).build(), options.workers(), calls);
  }

  public static TestServer netty(DatasetRegistry registry, int threads) {
    return netty(registry, options(threads).build());
  }

  /**
   * On Netty with {@code options} (its port, addresses, TLS and keepalive among them); its
   * {@link #channel()} is plaintext to 127.0.0.1, other channels come from {@link #channel}.
   */
  public static TestServer netty(DatasetRegistry registry, ServerOptions options) {
    return netty(registry, options, List.of());
  }

  /** On Netty, with depth runtimes the datasets use (closed by the test). */
  public static TestServer netty(DatasetRegistry registry, ServerOptions options,
      List<DepthRuntime> depth) {
    FgbgApplication app = FgbgApplication.create(options, List.copyOf(registry.all()), depth);
    try {
      app.start();
    } catch (IOException e) {
      app.close();
      throw new UncheckedIOException(e);
    }
    OpenCalls calls = new OpenCalls();
    return new TestServer(app, Grpc.newChannelBuilder("127.0.0.1:" + app.port(),
        InsecureChannelCredentials.create()).maxInboundMessageSize(64 << 20).intercept(calls)
        .build(), options.workers(), calls);
  }

  /** Another channel to this (Netty) server, with these credentials; closed with the server. */
  public synchronized ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel c = Grpc.newChannelBuilder("localhost:" + app.port(), credentials)
        .maxInboundMessageSize(64 << 20).intercept(calls).build();
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

  /**
   * Returns once every task queued on the render pool before this call has finished: one
   * barrier task per thread, all of which must be running at once.
   */
  public void drainWorkers() throws InterruptedException {
    ExecutorService pool = app.workers();
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
    return app.server();
  }

  public FgbgApplication application() {
    return app;
  }

  @Override
  public void close() throws InterruptedException {
    calls.cancelAll();
    synchronized (this) {
      for (ManagedChannel c : extra) {
        c.shutdownNow();
      }
    }
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    app.close();
  }
}
