package dev.fgbg.server.metrics;

import dev.fgbg.core.depth.DepthCounts;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.PhotoTier;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.server.http.JdkHttp;
import dev.fgbg.server.transport.LiveKeys;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The server's metrics on a registry of their own (not the global default, so that two servers
 * in one JVM, as in tests, do not mix). Counters and histograms are fed as things happen;
 * gauges and the depth cache counters are read from the objects that keep them when scraped.
 */
public final class ServerMetrics {
  private static final double[] LATENCY_BOUNDS = {.001, .0025, .005, .01, .025, .05, .1, .25,
      .5, 1, 2.5, 5, 10, 30};

  /**
   * Requests of the metrics port read and served at once. A scrape needs one; the client's
   * default pool (10 threads, 100 queued) let 100 clients dribbling headers hold a scrape ~9 s,
   * near Prometheus's 10 s timeout. Threads are made only as such clients come, and each is
   * closed after {@link JdkHttp#REQUEST_SECONDS}.
   */
  static final int THREADS = 128;

  /** The methods whose samples and bytes are counted. */
  private static final List<String> SENDING = List.of("StreamEpoch", "GetSamples", "Export");
  /** The codes of a server shedding load or stopping, which alerts watch. */
  private static final List<Status.Code> SHED = List.of(Status.Code.RESOURCE_EXHAUSTED,
      Status.Code.UNAVAILABLE);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<DepthRuntime> depth = new CopyOnWriteArrayList<>();
  private final Counter samples = Counter.builder().name("fgbg_samples_sent")
      .help("Samples sent (StreamEpoch, GetSamples) or written (Export)").labelNames("method")
      .register(registry);
  private final Counter bytes = Counter.builder().name("fgbg_sent").unit(Unit.BYTES)
      .help("Array bytes sent (StreamEpoch, GetSamples) or file bytes written (Export)")
      .labelNames("method").register(registry);
  private final Gauge open = Gauge.builder().name("fgbg_streams_open")
      .help("Server-streaming calls open now").labelNames("method").register(registry);
  private final Counter rejected = Counter.builder().name("fgbg_requests_rejected")
      .help("Calls that ended with an error status, by method and status code (cancelled calls"
          + " are not counted)").labelNames("method", "code").register(registry);
  private final Histogram render = Histogram.builder().name("fgbg_render_seconds")
      .unit(Unit.SECONDS).help("Time to render one StreamEpoch chunk or GetSamples reply,"
          + " teacher depth included").labelNames("method").classicOnly()
      .classicUpperBounds(LATENCY_BOUNDS).register(registry);
  private final Histogram depthBatch = Histogram.builder().name("fgbg_depth_batch_seconds")
      .unit(Unit.SECONDS).help("Depth model inference time per batch").labelNames("model")
      .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
  /** Exports stopped by a full disk; the depth tier's count is its runtimes' (DepthCounts). */
  private final LongAdder exportsDiskFull = new LongAdder();
  private final Gauge exportDone = Gauge.builder().name("fgbg_export_progress_ratio")
      .help("Fraction of each running export's samples written").labelNames("destination")
      .register(registry);

  /** {@code photos}: the photo disk tier, or null (none), read at each scrape. */
  public ServerMetrics(Supplier<PhotoTier> photos) {
    ProcessMetrics.register(registry);
    knownSeries();
    CounterWithCallback.builder().name("fgbg_depth_cache_requests")
        .help("Depth requests by where the map came from: memory, disk, store, or the model"
            + " (miss)").labelNames("model", "result")
        .callback(cb -> {
          for (DepthRuntime r : depth) {
            DepthCounts s = r.stats().snapshot();
            cb.call(s.memoryHits(), r.name(), "memory_hit");
            cb.call(s.diskHits(), r.name(), "disk_hit");
            cb.call(s.storeHits(), r.name(), "store_hit");
            cb.call(s.misses(), r.name(), "miss");
          }
        }).register(registry);
    CounterWithCallback.builder().name("fgbg_depth_requests_withdrawn")
        .help("Depth misses withdrawn from the batcher before the model took them, every caller"
            + " having gone (cancelled calls, or pieces dropped under memory pressure and asked"
            + " again later): not inferred").labelNames("model")
        .callback(cb -> depth.forEach(r -> cb.call(r.stats().snapshot().withdrawn(), r.name())))
        .register(registry);
    // A full disk is the host's problem, not load shed: its own family, both series from 0.
    CounterWithCallback.builder().name("fgbg_disk_full")
        .help("Writes that failed for a full disk (no space or quota left): exports it stopped"
            + " (where=export; also RESOURCE_EXHAUSTED in fgbg_requests_rejected) and depth maps"
            + " the disk cache could not write even after evicting (where=depth_cache), and"
            + " photos its photos/ could not (where=photo_cache)")
        .labelNames("where").callback(cb -> {
          cb.call(exportsDiskFull.sum(), "export");
          cb.call(depth.stream().mapToLong(r -> r.stats().snapshot().diskFull()).sum(),
              "depth_cache");
          PhotoTier p = photos.get();
          cb.call(p == null ? 0 : p.diskFull(), "photo_cache");
        }).register(registry);
    GaugeWithCallback.builder().name("fgbg_depth_queue_length")
        .help("Depth requests waiting in each model's batcher queue").labelNames("model")
        .callback(cb -> depth.forEach(r -> cb.call(r.queued(), r.name()))).register(registry);
  }

  /**
   * Every family with labels shows from the first scrape (a family without series is left out
   * of it, HELP and TYPE too), and a first error counts from 0 in {@code rate()}: the series of
   * the methods that send samples, of the streaming methods, and of each method's load-shedding
   * codes start at 0. The export ratio has none until an export is asked for.
   */
  private void knownSeries() {
    for (String method : SENDING) {
      samples.labelValues(method);
      bytes.labelValues(method);
    }
    render.labelValues("StreamEpoch");
    render.labelValues("GetSamples");
    for (MethodDescriptor<?, ?> m : FgbgGrpc.getServiceDescriptor().getMethods()) {
      if (!m.getType().serverSendsOneMessage()) {
        open.labelValues(m.getBareMethodName());
      }
      for (Status.Code code : SHED) {
        rejected.labelValues(m.getBareMethodName(), code.name());
      }
    }
  }

  /** Adds {@code runtime}'s cache counters, queue length and batch latency. */
  public void watch(DepthRuntime runtime) {
    depth.add(runtime);
    depthBatch.labelValues(runtime.name()); // its count shows 0 before the first batch
    runtime.stats().onBatch((images, nanos) -> depthBatch.labelValues(runtime.name())
        .observe(nanos / 1e9));
  }

  /** Adds the memory budget's bytes in use and its capacity. */
  public void watch(MemoryBudget budget) {
    GaugeWithCallback.builder().name("fgbg_memory_budget_used_bytes")
        .help("Rendered bytes held ahead of what clients have taken")
        .callback(cb -> cb.call(budget.used())).register(registry);
    GaugeWithCallback.builder().name("fgbg_memory_budget_capacity_bytes")
        .help("The memory budget (--memory-budget-mb)")
        .callback(cb -> cb.call(budget.capacity())).register(registry);
  }

  /** Adds fgbg_serving: 1 while {@code serving} (gRPC health SERVING), else 0. */
  public void watchServing(BooleanSupplier serving) {
    GaugeWithCallback.builder().name("fgbg_serving")
        .help("1 while gRPC health says SERVING; 0 while depth models warm up, while draining"
            + " (--drain-delay) and stopping").callback(cb -> cb.call(serving.getAsBoolean()
            ? 1 : 0)).register(registry);
  }

  /** Adds the served certificate's expiry, moved by each reload; {@code keys} null: no TLS. */
  public void watch(LiveKeys keys) {
    if (keys != null) {
      GaugeWithCallback.builder().name("fgbg_tls_certificate_expiry_timestamp_seconds")
          .help("When the certificate served (--tls-cert) expires (notAfter), in Unix seconds")
          .callback(cb -> cb.call(keys.notAfter().getEpochSecond())).register(registry);
    }
  }

  public void sent(String method, long sampleCount, long byteCount) {
    samples.labelValues(method).inc(sampleCount);
    bytes.labelValues(method).inc(byteCount);
  }

  public void opened(String method) {
    open.labelValues(method).inc();
  }

  public void closed(String method) {
    open.labelValues(method).dec();
  }

  public void rejected(String method, String code) {
    rejected.labelValues(method, code).inc();
  }

  /** An export stopped by a full disk (also counted as rejected, RESOURCE_EXHAUSTED). */
  public void exportDiskFull() {
    exportsDiskFull.increment();
  }

  public void rendered(String method, long nanos) {
    render.labelValues(method).observe(nanos / 1e9);
  }

  /** An export was asked for: its series shows 0 until its first batch is written. */
  public void exportStarted(String destination) {
    exportDone.labelValues(destination); // made at 0; a running export's own value is kept
  }

  public void exportProgress(String destination, long done, long total) {
    exportDone.labelValues(destination).set(total == 0 ? 0 : (double) done / total);
  }

  /** The export has ended (finished, failed or cancelled): its series goes. */
  public void exportEnded(String destination) {
    exportDone.remove(destination);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Serves /metrics on {@code host}:{@code port} (0 picks a free port) until closed (which shuts
   * its pool down too): GET and HEAD of /metrics only ({@link MetricsPaths}); beyond loopback,
   * one WARNING ({@link MetricsExposure}). A scraper that goes away is a counted line, not a trace
   * ({@link ScrapeFaults}).
   */
  public MetricsEndpoint serve(String host, int port) throws IOException {
    ScrapeFaults.install();
    ScrapeFaults.Stop stop = new ScrapeFaults.Stop();
    HTTPServer server = HTTPServer.builder().hostname(host).port(port).registry(registry)
        .registerHealthHandler(false).authenticator(new MetricsPaths())
        .executorService(JdkHttp.pool("fgbg-metrics", THREADS, stop::around)).buildAndStart();
    MetricsExposure.warnIfOpen(host, server.getPort());
    return new MetricsEndpoint(server, stop);
  }
}
