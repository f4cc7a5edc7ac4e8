package dev.fgbg.server;

import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.core.shm.RingReaper;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.server.metrics.MetricsEndpoint;
import dev.fgbg.server.metrics.ServerMetrics;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.options.UiOptions;
import dev.fgbg.server.rpc.FgbgServer;
import dev.fgbg.server.rpc.ServerThreads;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.server.transport.NettyListener;
import dev.fgbg.server.ui.ServerView;
import dev.fgbg.server.ui.WebUi;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A running fgbg server and everything it owns: the datasets, the render pool, the depth
 * runtimes, the warm-up, the periodic depth report and the gRPC server. The one place that wires
 * a server from its {@link ServerOptions}: {@code fgbg serve} and the tests' servers alike.
 * {@link #close()} stops them all, in order, within the shutdown grace.
 */
public final class FgbgApplication implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FgbgApplication.class.getName());

  private final ServerOptions options;
  private final DepthRuntimes depth;
  private final List<DepthRuntime> given;
  private final List<Dataset> datasets;
  private final ExecutorService workers;
  private final ScheduledExecutorService housekeeping;
  private final long startNanos; // the options' ticker as loading began: "after" counts it
  private final CompletableFuture<Void> warm = new CompletableFuture<>();
  private FgbgServer server;
  private MetricsEndpoint metricsEndpoint;
  private WebUi webUi;
  private volatile boolean closed; // volatile: a warm-up the shutdown ends reads it (housekeeping)

  private FgbgApplication(ServerOptions options, DepthRuntimes depth, List<Dataset> datasets,
      List<DepthRuntime> given, long startNanos) {
    this.options = options;
    this.startNanos = startNanos;
    this.depth = depth;
    this.given = List.copyOf(given);
    this.datasets = datasets;
    this.workers = NamedThreads.fixedPool("fgbg-worker", options.workers());
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(
        new NamedThreads("fgbg-housekeeping"));
  }

  /** Loads every dataset and depth model; a bad setting or file fails here, naming it. */
  public static FgbgApplication create(ServerOptions options) {
    long start = options.ticker().read();
    DepthRuntimes depth = new DepthRuntimes(options.depth(), options.ticker());
    try {
      List<Dataset> datasets = DatasetCatalog.build(options.builtin(), options.datasets(),
          options.skipByKey(), depth, options.ticker(), depth.photos());
      return new FgbgApplication(options, depth, datasets, List.of(), start);
    } catch (RuntimeException e) {
      depth.close();
      throw e;
    }
  }

  /**
   * Serves {@code datasets}, made elsewhere (tests' small worlds), instead of those the options
   * name, with the depth runtimes they use ({@code given}: reported, not warmed up or closed
   * here); everything else as {@link #create(ServerOptions)}.
   */
  public static FgbgApplication create(ServerOptions options, List<Dataset> datasets,
      List<DepthRuntime> given) {
    return new FgbgApplication(options, new DepthRuntimes(options.depth(), options.ticker()),
        List.copyOf(datasets), given, options.ticker().read());
  }

  public List<Dataset> datasets() {
    return datasets;
  }

  /** Starts on Netty at the configured port, addresses, TLS and keepalive. */
  public FgbgApplication start() throws IOException {
    NettyListener listener = NettyListener.of(options.port(), options.connect());
    start(listener.builder(options.ticker()), listener);
    return this;
  }

  /** Starts on {@code builder}; NOT_SERVING until every depth model is warm. */
  public FgbgApplication start(ServerBuilder<?> builder) throws IOException {
    return start(builder, null);
  }

  private synchronized FgbgApplication start(ServerBuilder<?> builder, NettyListener listener)
      throws IOException {
    // Rings left by clients that died (a stream's ring is removed when it ends; a GetSamples
    // ring of a client killed with SIGKILL is not): swept before serving, then every minute.
    reapRings();
    housekeeping.scheduleAtFixedRate(this::reapRings, 1, 1, TimeUnit.MINUTES);
    List<DepthRuntime> runtimes = depth.all();
    List<DepthRuntime> reported = new ArrayList<>(runtimes);
    reported.addAll(given);
    ConnectOptions connect = options.connect();
    UiOptions ui = options.ui(); // it shows the metrics too: kept when either asks for them
    ServerMetrics metrics = options.metricsPort() == ServerOptions.METRICS_OFF && ui == null
        ? null : new ServerMetrics(depth::photos);
    DatasetRegistry registry = new DatasetRegistry(datasets);
    FgbgServer made = new FgbgServer(builder, registry, workers, ServerThreads.named(), reported,
        options, metrics);
    try {
      server = made.start(runtimes.isEmpty());
    } catch (IOException e) {
      throw ListenFailures.cannotListen(listener != null ? listener.describe(options.port())
          : "port " + options.port(), "--port", e);
    }
    if (ui != null) {
      try {
        webUi = WebUi.start(ui, ServerView.of(server, registry, metrics), options.ticker());
      } catch (IOException e) {
        throw ListenFailures.cannotListen(NettyListener.hostPort(ui.host(), ui.port()), "--ui-port",
            e);
      }
      LOG.info("web UI on " + webUi.describe());
      ui.warnings().forEach(LOG::warning);
    }
    if (options.metricsPort() != ServerOptions.METRICS_OFF) {
      try {
        metricsEndpoint = metrics.serve(options.metricsHost(), options.metricsPort());
      } catch (IOException e) {
        throw ListenFailures.cannotListen(options.metricsHost() + ":" + options.metricsPort(),
            "--metrics-port", e);
      }
      LOG.info("Prometheus metrics on http://" + options.metricsHost() + ":"
          + metricsEndpoint.getPort() + "/metrics");
    }
    LOG.info(String.format(Locale.ROOT, "fgbg listening on %s (%d workers, window %d,"
        + " export root %s) after %.2f s",
        listener != null ? listener.describe(server.port()) : "port " + server.port(),
        options.workers(), options.window(), options.exportRoot() != null
            ? options.exportRoot().toAbsolutePath() : "none: exports off",
        (options.ticker().read() - startNanos) / 1e9));
    LOG.info("access: " + connect.describe() + (connect.tls() ? "; TLS engine "
        + NettyListener.describeEngine() : ""));
    connect.warnings().forEach(LOG::warning);
    LoadOptions load = options.load();
    LOG.info(String.format(Locale.ROOT, "load limits: memory budget %d MiB of a %d MiB heap,"
        + " %d streams (%d per client), Stats %d (+%d queued), exports %d (+%d queued),"
        + " galleries %d (+%d queued)",
        load.memoryBudgetBytes() >> 20, Runtime.getRuntime().maxMemory() >> 20,
        load.maxStreams(), load.maxStreamsPerClient(), load.maxStats(), load.statsQueue(),
        load.maxExports(), load.exportQueue(), load.maxGalleries(), load.galleryQueue()));
    LOG.info("shared memory " + (options.sharedMemory() ? "on" : "off (--no-shared-memory)"));
    DatasetLine.logAll(datasets, options.depth(), !options.datasets().isEmpty(), LOG);
    if (runtimes.isEmpty()) { // SERVING since it listened: said last, as after a warm-up
      LOG.info("health SERVING");
      warm.complete(null);
    } else { // here, after the lines above: "health SERVING" comes after "listening"
      housekeeping.execute(this::warmUp);
      long every = options.statsInterval().toNanos();
      housekeeping.scheduleAtFixedRate(new DepthReport(runtimes, LOG::info), every, every,
          TimeUnit.NANOSECONDS);
    }
    return this;
  }

  /** Removes the rings of clients that died (at start-up, then every minute). */
  private void reapRings() {
    List<Path> reaped = RingReaper.reap(options.ringDirectory(), RingReaper::processAlive,
        Instant.now());
    if (!reaped.isEmpty()) {
      LOG.info("removed " + reaped.size() + " shared-memory rings of dead clients from "
          + options.ringDirectory());
    }
  }

  /** One full batch through each model for teacher depth, then health SERVING (tests call it). */
  void warmUp() {
    try {
      for (DepthRuntime r : depth.all()) {
        long t = System.nanoTime();
        List<Dataset> taught = DepthCostLine.taught(r, datasets);
        int images = taught.isEmpty() ? 0 : r.warmUp(taught.get(0).spec().height(),
            taught.get(0).spec().width());
        double took = (System.nanoTime() - t) / 1e9;
        LOG.info(String.format(Locale.ROOT, "depth model %s warm on %s after %.2f s", r.name(),
            r.device(), took));
        DepthCostLine.of(r, images, took, taught).ifPresent(LOG::info);
      }
    } catch (RuntimeException e) {
      if (closed) {
        // A stop (SIGTERM) closed the models under the warm-up: an ordinary end, not a fault.
        LOG.info("depth warm-up ended: the server is stopping");
        warm.cancel(false);
        return;
      }
      // Health stays NOT_SERVING; Main ends the process with the message.
      LOG.severe(e.getMessage());
      warm.completeExceptionally(e);
      return;
    }
    LOG.info("health SERVING");
    server.serving();
    warm.complete(null);
  }

  /**
   * Completes when every depth model is warm and health says SERVING; fails (with the
   * FgbgException naming the model) when a warm-up fails, e.g. on NaN depth; is cancelled when
   * the server stops during the warm-up.
   */
  public CompletableFuture<Void> warm() {
    return warm;
  }

  public synchronized int port() { // the bound one (port 0 asks for any)
    return server.port();
  }

  public synchronized FgbgServer server() {
    return server;
  }

  ExecutorService workers() { // the render pool (tests drain it)
    return workers;
  }

  /** The web UI's port, or -1 when it is off. */
  public synchronized int uiPort() {
    return webUi == null ? -1 : webUi.port();
  }

  /** The metrics endpoint's port, or -1 when it is off. */
  public synchronized int metricsPort() {
    return metricsEndpoint == null ? -1 : metricsEndpoint.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    close("closed", null);
  }

  /** Stops the server (calls and UI requests get the grace), pools, models; says why, when. */
  synchronized void close(String why, StopLines.Signalled signalled) {
    if (closed) {
      return; // a failed warm-up closed it; the shutdown hook comes later
    }
    closed = true;
    // The UI's requests get the grace gRPC calls get, and the stop line counts them.
    int ui = webUi == null ? 0 : webUi.stopping(options.shutdownGrace());
    StopLines lines = StopLines.begin(why, server, ui, options.shutdownGrace(), signalled);
    try {
      if (server != null) {
        server.stop(options.shutdownGrace());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (metricsEndpoint != null) {
        metricsEndpoint.close();
      }
      if (webUi != null) {
        webUi.close();
      }
      housekeeping.shutdownNow();
      workers.shutdownNow();
      // What the stop ended (an export's last writes, renders) winds down before the models
      // close under it and before the stop line, which must not claim a stop still under way.
      String left = StopLines.windDown(server, workers);
      depth.close();
      lines.stopped(left);
    }
  }
}
