package dev.fgbg.server.grpc;

import dev.fgbg.server.dataset.DatasetRegistry;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Owns the gRPC server's life: the fgbg service, health and reflection. Takes a
 * {@link ServerBuilder} so tests can run it in-process and {@code Main} on Netty.
 */
public final class FgbgServer {
  private static final Logger LOG = Logger.getLogger(FgbgServer.class.getName());
  public static final String SERVICE_NAME = dev.fgbg.v1.FgbgGrpc.SERVICE_NAME;

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final StreamStats stats = new StreamStats();

  /**
   * @param workers the shared pool that renders stream chunks; the caller owns it
   * @param window chunks each stream may render ahead of what it has sent
   */
  public FgbgServer(ServerBuilder<?> builder, DatasetRegistry registry, ExecutorService workers,
      int window) {
    this.server = builder
        .addService(new FgbgService(registry, workers, window, Limits.DEFAULT, stats))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
  }

  /** A Netty server builder listening on {@code port} on all interfaces (0 picks a free port). */
  public static ServerBuilder<?> netty(int port) {
    return Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
  }

  public FgbgServer start() throws IOException {
    server.start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
    return this;
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
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
