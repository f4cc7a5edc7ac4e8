package dev.fgbg.server.rpc;

import dev.fgbg.common.InWords;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.export.ExportRoot;
import dev.fgbg.core.export.Exporter;
import dev.fgbg.core.load.Admission;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.core.load.RenderScheduler;
import dev.fgbg.core.load.StreamCaps;
import dev.fgbg.core.stats.StatsCalculator;
import dev.fgbg.server.admission.CallContexts;
import dev.fgbg.server.admission.LoadControl;
import dev.fgbg.server.admission.HealthCaps;
import dev.fgbg.server.admission.StreamSlots;
import dev.fgbg.server.metrics.ServerMetrics;
import dev.fgbg.server.observe.LibraryLogs;
import dev.fgbg.server.observe.MetricsInterceptor;
import dev.fgbg.server.observe.RefusalLog;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.status.FatalErrors;
import dev.fgbg.server.stop.Draining;
import dev.fgbg.server.stop.HealthWatches;
import dev.fgbg.server.transport.Authenticator;
import dev.fgbg.server.transport.ClientIdentity;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.ServerStatsResponse;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Owns the gRPC server's life: the fgbg service, health and reflection (v1 and v1alpha, unless
 * turned off). Takes a {@link ServerBuilder} so tests can run it in-process and the application
 * on Netty. With tokens, the fgbg service and reflection ask for one; health never does.
 */
public final class FgbgServer {
  private static final Logger LOG = Logger.getLogger(FgbgServer.class.getName());
  public static final String SERVICE_NAME = FgbgGrpc.SERVICE_NAME;
  /** How long calls cancelled at the end of the grace may take to go before stop gives up. */
  static final Duration FORCED_STOP = Duration.ofSeconds(2);
  /** How long streams and exports stopped at the end of the grace get to send their status. */
  static final Duration DRAIN = Duration.ofSeconds(1);

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final HealthWatches watches = new HealthWatches();
  private final StreamStats stats = new StreamStats();
  private final Draining draining = new Draining();
  private final ExecutorService exportThreads;
  private final ExecutorService statsThreads;
  private final ScheduledExecutorService ringPoller;
  private final ScheduledExecutorService replyTimer;
  private final RefusalLog refusals;
  /** Watches from {@link #start} on: a server made and never started starts no thread here. */
  private final ScheduledExecutorService reloadTimer;
  private final ConnectOptions connect;
  private final SharedMemory shm;
  private final LoadControl load;
  private final List<DepthRuntime> depth;
  /** Set by {@link #notServing()}: a warm-up that ends later must not turn health back on. */
  private volatile boolean leaving;
  private volatile boolean up; // health said SERVING once (models warm)

  /**
   * @param workers the shared pool of {@code options.workers()} threads that renders stream
   *     chunks, Stats and exports (through the fair scheduler); the caller owns it
   * @param own the server's own threads, which its {@link #stop} ends
   * @param depth the depth models in use, for ServerStats
   * @param metrics fed from every call, the depth runtimes and the memory budget; null: none
   */
  public FgbgServer(ServerBuilder<?> builder, DatasetRegistry registry, ExecutorService workers,
      ServerThreads own, List<DepthRuntime> depth, ServerOptions options, ServerMetrics metrics) {
    LibraryLogs.install();
    this.depth = List.copyOf(depth);
    this.exportThreads = own.exports();
    this.statsThreads = own.stats();
    this.replyTimer = own.replies();
    this.ringPoller = own.rings();
    this.reloadTimer = own.reloads();
    this.load = new LoadControl(options.load(), workers, RenderScheduler.threadCpuTime(),
        statsThreads, exportThreads, stats, replyTimer, options.ticker(), draining);
    Exporter exporter = options.exportRoot() == null ? null
        : new Exporter(ExportRoot.served(options.exportRoot()), load.scheduler.lane("exports"),
            2 * options.window(), options.ticker(), options.exportLimits());
    ExportService exports = new ExportService(registry, exporter, load.exports,
        options.ticker(), draining);
    this.shm = new SharedMemory(options.sharedMemory(), options.ringDirectory(), load.budget,
        ringPoller, options.ticker());
    int threads = options.workers();
    FgbgService service = new FgbgService(registry, load, Limits.DEFAULT, stats,
        new SampleCalls(load, options.window(), threads, Limits.DEFAULT, stats, shm, draining),
        exports,
        new StatsStreamer(new StatsCalculator(load.scheduler.lane("stats"), 2 * threads),
        options.ticker()), new GalleryCalls(load, threads, stats), depth);
    Authenticator authenticator = new Authenticator(options.connect().tokens());
    this.connect = options.connect();
    this.refusals = new RefusalLog(options.ticker(), replyTimer, RefusalLog.TICK);
    // The last interceptor sees a call first: metrics and the log count what the authenticator
    // refuses, and the stream caps count the client the identity and the authenticator name.
    List<ServerInterceptor> interceptors = new ArrayList<>(List.of(new StreamSlots(load.streams,
        options.load().unreadStream(), load.unread), ClientIdentity.peerAddress(), authenticator,
        FatalErrors.interceptor(), refusals));
    if (metrics != null) {
      interceptors.add(new MetricsInterceptor(metrics));
      stats.onRender(metrics::rendered);
      depth.forEach(metrics::watch);
      metrics.watch(load.budget);
      metrics.watchServing(() -> up && !leaving); // as health says
      metrics.watch(options.connect().keys());
    }
    // Requests are parsed before any interceptor sees them: bytes that are not the request
    // get INVALID_ARGUMENT naming the problem, counted as refused.
    BiConsumer<String, Status.Code> refused = metrics == null ? (m, c) -> { }
        : (m, c) -> metrics.rejected(m, c.name());
    // Calls get a context the server may cancel (UnreadReplies, UnreadStreams end calls so).
    builder.addStreamTracerFactory(CallContexts.tracer(Set.of(
        FgbgGrpc.getGetSamplesMethod().getFullMethodName(),
        FgbgGrpc.getStreamEpochMethod().getFullMethodName())));
    builder.addService(RequestParsing.wrap(ServerInterceptors.intercept(service, interceptors),
            refused))
        .addService(RequestParsing.wrap(ServerInterceptors.intercept(health.getHealthService(),
            watches, new HealthCaps()), refused));
    if (options.connect().reflection()) {
      builder.addService(RequestParsing.wrap(ServerInterceptors.intercept(
          ProtoReflectionServiceV1.newInstance(), authenticator, refusals), refused));
      builder.addService(RequestParsing.wrap(ServerInterceptors.intercept(reflectionV1Alpha(),
          authenticator, refusals), refused));
    }
    this.server = builder.build();
  }

  /** v1alpha beside v1: grpc-js, older grpcurl and GUI clients ask for v1alpha. */
  @SuppressWarnings("deprecation")
  private static BindableService reflectionV1Alpha() {
    return ProtoReflectionService.newInstance();
  }

  /** Starts listening; health says NOT_SERVING until {@link #serving()} when not yet ready. */
  public FgbgServer start(boolean ready) throws IOException {
    server.start();
    // Once listening (a port in use leaves no timer behind); stop() ends the watches.
    connect.tokens().watch(reloadTimer);
    if (connect.keys() != null) {
      connect.keys().watch(reloadTimer);
    }
    if (connect.clientCa() != null) {
      connect.clientCa().watch(reloadTimer);
    }
    if (ready) {
      serving();
    } else {
      health.setStatus("", ServingStatus.NOT_SERVING);
      health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
    }
    return this;
  }

  /** Health reports SERVING (e.g. once depth models are warm), unless the server is leaving. */
  public synchronized void serving() {
    if (!leaving) {
      up = true;
      health.setStatus("", ServingStatus.SERVING);
      health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
    }
  }

  /**
   * Health reports NOT_SERVING, overall and for the fgbg service, for good, while calls are
   * still accepted and served: the drain before a stop, so that probes and load balancers take
   * this server out before its port closes. Watch streams stay open and hear it.
   */
  public synchronized void notServing() {
    leaving = true;
    health.setStatus("", ServingStatus.NOT_SERVING);
    health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
  }

  /** The bound port (useful with port 0), or -1 in-process. */
  public int port() {
    return server.getPort();
  }

  /** The addresses the transport listens on. */
  public List<SocketAddress> listenAddresses() {
    return List.copyOf(server.getListenSockets());
  }

  public StreamStats stats() {
    return stats;
  }

  /** What the ServerStats call answers now. */
  public ServerStatsResponse serverStats() {
    return ProtoMapping.serverStats(stats, depth);
  }

  /** The memory budget every stream and GetSamples reply charges its rendered bytes to. */
  public MemoryBudget budget() {
    return load.budget;
  }

  /** Open streams, over all clients and per client. */
  public StreamCaps streams() {
    return load.streams;
  }

  /** How render work is shared between calls. */
  public RenderScheduler scheduler() {
    return load.scheduler;
  }

  public Admission statsAdmission() {
    return load.stats.admission();
  }

  public Admission exportAdmission() {
    return load.exports.admission();
  }

  public Admission galleryAdmission() {
    return load.galleries.admission();
  }

  /**
   * Marks the server NOT_SERVING (ending health Watch streams, which would otherwise hold it for
   * the whole grace) and stops it within {@code grace} plus {@link #DRAIN} plus
   * {@link #FORCED_STOP}: calls get the grace to finish; then those running or queued are stopped
   * and end UNAVAILABLE (their clients fail over or retry), the rest are cancelled, and stop
   * returns even if the transport has not let go by then (the process is about to exit anyway).
   */
  public void stop(Duration grace) throws InterruptedException {
    leaving = true;
    health.enterTerminalState(); // Watch streams hear NOT_SERVING, then end
    server.shutdown();
    watches.endAll();
    try {
      if (!server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        LOG.info("calls still running after " + grace.toMillis() + " ms; ending them with "
            + "UNAVAILABLE, then cancelling the rest");
        draining.stopAll();
        if (!draining.awaitEnded(DRAIN)) {
          int ended = draining.endAll();
          LOG.info(InWords.count(ended, "call") + " (streams, exports, replies) did not stop in "
              + DRAIN.toMillis() + " ms: ended with UNAVAILABLE now");
        }
        // Their statuses reach the clients before the transport's cancel; the rest is cancelled.
        server.awaitTermination(DRAIN.toNanos(), TimeUnit.NANOSECONDS);
        server.shutdownNow();
        if (!server.awaitTermination(FORCED_STOP.toNanos(), TimeUnit.NANOSECONDS)) {
          LOG.warning("the transport did not terminate within " + FORCED_STOP.toMillis()
              + " ms of cancelling; stopping anyway");
        }
      }
    } finally {
      exportThreads.shutdownNow();
      statsThreads.shutdownNow();
      ringPoller.shutdownNow();
      refusals.close();
      load.unread.stop();
      replyTimer.shutdownNow();
      reloadTimer.shutdownNow();
      shm.close();
    }
  }

  /**
   * After {@link #stop}: waits for the threads of the calls it ended (exports, Stats) to be
   * gone, until {@code untilNanos} on {@link System#nanoTime()}; how many still run.
   */
  public int awaitCallThreads(long untilNanos) throws InterruptedException {
    return NamedThreads.awaitIdle(exportThreads, untilNanos)
        + NamedThreads.awaitIdle(statsThreads, untilNanos);
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }
}
