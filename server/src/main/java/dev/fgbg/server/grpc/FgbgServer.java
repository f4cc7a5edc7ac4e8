package dev.fgbg.server.grpc;

import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.export.ExportRoot;
import dev.fgbg.core.export.Exporter;
import dev.fgbg.core.stats.StatsCalculator;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Owns the gRPC server's life: the fgbg service, health and reflection. Takes a
 * {@link ServerBuilder} so tests can run it in-process and the application on Netty.
 */
public final class FgbgServer {
  private static final Logger LOG = Logger.getLogger(FgbgServer.class.getName());
  public static final String SERVICE_NAME = FgbgGrpc.SERVICE_NAME;

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final StreamStats stats = new StreamStats();
  private final ExecutorService exportThreads;

  /**
   * @param workers the shared pool that renders stream chunks and exports; the caller owns it
   * @param depth the depth models in use, for ServerStats
   */
  public FgbgServer(ServerBuilder<?> builder, DatasetRegistry registry, ExecutorService workers,
      List<DepthRuntime> depth, ServiceOptions options) {
    this.exportThreads = Executors.newCachedThreadPool(new NamedThreads("fgbg-export"));
    Exporter exporter = new Exporter(new ExportRoot(options.exportRoot()), workers,
        2 * options.window(), options.ticker());
    ExportService exports = new ExportService(registry, exporter, exportThreads,
        options.ticker());
    this.server = builder
        .addService(new FgbgService(registry, workers, options.window(), Limits.DEFAULT, stats,
            exports, new StatsStreamer(new StatsCalculator(workers), options.ticker()), depth))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
  }

  /** A Netty server builder listening on {@code port} on all interfaces (0 picks a free port). */
  public static ServerBuilder<?> netty(int port) {
    return Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
  }

  /** Starts listening; health says NOT_SERVING until {@link #serving()} when not yet ready. */
  public FgbgServer start(boolean ready) throws IOException {
    server.start();
    if (ready) {
      serving();
    } else {
      health.setStatus("", ServingStatus.NOT_SERVING);
      health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
    }
    return this;
  }

  /** Health reports SERVING (e.g. once depth models are warm). */
  public void serving() {
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
  }

  /** The bound port (useful with port 0), or -1 in-process. */
  public int port() {
    return server.getPort();
  }

  public StreamStats stats() {
    return stats;
  }

  /** Marks the server NOT_SERVING, lets calls finish for up to {@code graceSeconds}, then stops. */
  public void stop(long graceSeconds) throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
      LOG.info("calls still running after " + graceSeconds + " s; cancelling them");
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
    exportThreads.shutdownNow();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
