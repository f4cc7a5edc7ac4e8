package dev.fgbg.server.options;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.depth.DepthSettings;
import dev.fgbg.core.depth.DiskLimit;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.export.ExportLimits;
import dev.fgbg.core.shm.SharedRing;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a server runs with, validated: the one options tree of {@code fgbg serve}, of the
 * application that wires it and of the servers tests start. Immutable; the builder rejects a bad
 * value naming the field. Concerns with several settings are records of their own
 * ({@link LoadOptions}, {@link ConnectOptions}, {@link UiOptions}, {@link DepthSettings},
 * {@link ExportLimits}).
 *
 * @param port 0 picks a free port
 * @param workers render threads (the shared pool)
 * @param window chunks each stream renders ahead
 * @param datasets folder datasets served beside {@code builtin}
 * @param skipByKey the datasets whose on_bad_file is their config file entry's own, not the
 *     --on-bad-file flag's, each to that entry as the file spells it (a skipping load's warning
 *     quotes the setting that asked)
 * @param statsInterval how often the depth report is logged (only lines that changed)
 * @param shutdownGrace how long running calls may take to finish on shutdown
 * @param drainDelay how long a SIGTERM'd server reports NOT_SERVING while still serving before
 *     it stops (endpoint removal reaching clients first); zero: it stops at once
 * @param exportRoot the only folder exports may write under; null: exports are off
 * @param load the memory budget, stream caps and admission limits
 * @param exportLimits the per-export and total export quotas
 * @param metricsHost where the Prometheus endpoint listens
 * @param metricsPort its port (0 picks a free one), or {@link #METRICS_OFF}
 * @param sharedMemory whether same-host clients may receive batches through shared memory
 * @param ringDirectory where their rings must lie ({@link SharedRing#DIRECTORY})
 * @param connect who may connect and how: addresses, TLS, tokens, reflection, keepalive
 * @param ui where the web UI listens, under {@code connect}'s access rules; null: no web UI
 * @param ticker times export progress and rates, the log's once-a-minute lines of refused
 *     calls, the depth models' batchers, kept shared-memory rings' idleness, ring slot polling,
 *     the memory budget's pressure signals, how long a connection has been quiet for the
 *     connection cap, and the web UI's sign-in lines and Stats runs (the system ticker outside
 *     tests)
 */
public record ServerOptions(int port, int workers, int window, Path exportRoot,
    BuiltinConfig builtin, List<FolderDatasetConfig> datasets, Map<String, String> skipByKey,
    DepthSettings depth, Duration statsInterval, Duration shutdownGrace, Duration drainDelay,
    LoadOptions load, ExportLimits exportLimits, String metricsHost, int metricsPort,
    boolean sharedMemory, Path ringDirectory, ConnectOptions connect, UiOptions ui, Ticker ticker) {
  /** No metrics endpoint. */
  public static final int METRICS_OFF = -1;
  /**
   * The longest drain delay: far past any pod's termination grace, so a longer one is a typo
   * (5m for 5s) that would hold a stopping server for hours.
   */
  public static final Duration MAX_DRAIN_DELAY = Duration.ofMinutes(10);

  public ServerOptions {
    check(port >= 0 && port <= 65535, "port", port, "must be in [0, 65535]");
    check(workers >= 1, "workers", workers, "must be at least 1");
    check(window >= 1, "window", window, "must be at least 1");
    Objects.requireNonNull(builtin, "builtin");
    datasets = List.copyOf(datasets);
    skipByKey = Map.copyOf(skipByKey);
    Objects.requireNonNull(depth, "depth");
    check(statsInterval.compareTo(Duration.ZERO) > 0, "statsInterval", statsInterval,
        "must be positive");
    check(!shutdownGrace.isNegative(), "shutdownGrace", shutdownGrace, "must not be negative");
    check(!drainDelay.isNegative() && drainDelay.compareTo(MAX_DRAIN_DELAY) <= 0, "drainDelay",
        drainDelay, "must be between 0s and " + MAX_DRAIN_DELAY.toMinutes() + "m");
    Objects.requireNonNull(load, "load");
    Objects.requireNonNull(exportLimits, "exportLimits");
    Objects.requireNonNull(metricsHost, "metricsHost");
    check(metricsPort >= METRICS_OFF && metricsPort <= 65535, "metricsPort", metricsPort,
        "must be in [0, 65535]");
    EndpointPorts.checkDistinct(port, metricsPort, ui == null ? 0 : ui.port());
    Objects.requireNonNull(ringDirectory, "ringDirectory");
    Objects.requireNonNull(connect, "connect");
    if (ui != null && !ui.connect().equals(connect)) {
      throw new IllegalArgumentException("ui must follow the server's own connect options");
    }
    Objects.requireNonNull(ticker, "ticker");
  }

  private static void check(boolean ok, String field, Object value, String rule) {
    OptionValueException.check(ok, field, value, rule);
  }

  /** The export root of a server on loopback that names none. */
  public static final Path DEFAULT_EXPORTS = Path.of("exports");

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds {@link ServerOptions}. Defaults: port 50051, one worker per core, window 2 × workers,
   * export root ./exports on loopback (none, so no exports, on a server listening beyond it,
   * unless one is given), the standard built-in world, no folder datasets, depth on the best
   * device with a 1 GiB memory tier and no disk tier, a report every 30 s, 5 s grace, no drain
   * delay, the default {@link LoadOptions}, 200 GB per export and 1000 GB in all, no metrics
   * endpoint, shared memory on in {@link SharedRing#DIRECTORY}, the default {@link
   * ConnectOptions} (loopback, plaintext), no web UI, the system ticker.
   */
  public static final class Builder {
    private int port = 50051;
    private boolean sharedMemory = true;
    private int workers = Runtime.getRuntime().availableProcessors();
    private Integer window;
    private Path exportRoot;
    private boolean exportsOff;
    private BuiltinConfig builtin = BuiltinConfig.standard();
    private List<FolderDatasetConfig> datasets = List.of();
    private Map<String, String> skipByKey = Map.of();
    private OnnxDepthModel.Device device = OnnxDepthModel.Device.AUTO;
    private long depthCacheBytes = 1L << 30;
    private Path cacheDir;
    private int depthSessions = OnnxDepthModel.AUTO_SESSIONS;
    private long diskCacheBytes = DiskLimit.DEFAULT;
    private Path depthStore;
    private Duration statsInterval = Duration.ofSeconds(30);
    private Duration shutdownGrace = Duration.ofSeconds(5);
    private Duration drainDelay = Duration.ZERO;
    private LoadOptions load = LoadOptions.builder().build();
    private ExportLimits exportLimits = ExportLimits.ofGigabytes(200, 1000);
    private String metricsHost = "127.0.0.1";
    private int metricsPort = METRICS_OFF;
    private ConnectOptions connect = ConnectOptions.builder().build();
    private Path ringDirectory = SharedRing.DIRECTORY;
    private String uiHost;
    private Integer uiPort;
    private List<String> uiAllowed;
    private Ticker ticker = Ticker.systemTicker();

    private Builder() {}

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    /** Chunks each stream renders ahead; null for 2 × workers. */
    public Builder window(Integer window) {
      this.window = window;
      return this;
    }

    /** The export root; unset (null): ./exports on loopback, exports off beyond it. */
    public Builder exportRoot(Path exportRoot) {
      this.exportRoot = exportRoot;
      this.exportsOff = false;
      return this;
    }

    /** No exports at all, wherever it listens. */
    public Builder noExports() {
      this.exportRoot = null;
      this.exportsOff = true;
      return this;
    }

    public Builder builtin(BuiltinConfig builtin) {
      this.builtin = builtin;
      return this;
    }

    public Builder datasets(List<FolderDatasetConfig> datasets) {
      this.datasets = datasets;
      return this;
    }

    public Builder skipByKey(Map<String, String> entries) {
      this.skipByKey = entries;
      return this;
    }

    public Builder device(OnnxDepthModel.Device device) {
      this.device = device;
      return this;
    }

    /** Sessions of each depth model sharing the threads; 0: the model's choice. */
    public Builder depthSessions(int sessions) {
      this.depthSessions = sessions;
      return this;
    }

    public Builder depthCacheBytes(long bytes) {
      this.depthCacheBytes = bytes;
      return this;
    }

    /** The depth cache's disk tier, or null for none. */
    public Builder cacheDir(Path cacheDir) {
      this.cacheDir = cacheDir;
      return this;
    }

    /** A read-only depth store consulted before the model, or null for none. */
    public Builder depthStore(Path depthStore) {
      this.depthStore = depthStore;
      return this;
    }

    public Builder diskCacheBytes(long bytes) {
      this.diskCacheBytes = bytes;
      return this;
    }

    public Builder statsInterval(Duration interval) {
      this.statsInterval = Objects.requireNonNull(interval, "statsInterval");
      return this;
    }

    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = Objects.requireNonNull(grace, "shutdownGrace");
      return this;
    }

    /** How long SIGTERM's NOT_SERVING precedes the stop ({@code fgbg serve} only). */
    public Builder drainDelay(Duration delay) {
      this.drainDelay = Objects.requireNonNull(delay, "drainDelay");
      return this;
    }

    public Builder load(LoadOptions load) {
      this.load = Objects.requireNonNull(load, "load");
      return this;
    }

    public Builder sharedMemory(boolean on) {
      this.sharedMemory = on;
      return this;
    }

    public Builder exportLimits(ExportLimits limits) {
      this.exportLimits = Objects.requireNonNull(limits, "exportLimits");
      return this;
    }

    /** The Prometheus endpoint's address and port ({@link #METRICS_OFF}: none). */
    public Builder metrics(String host, int port) {
      this.metricsHost = Objects.requireNonNull(host, "metricsHost");
      this.metricsPort = port;
      return this;
    }

    public Builder connect(ConnectOptions connect) {
      this.connect = Objects.requireNonNull(connect, "connect");
      return this;
    }

    /** Where same-host clients' rings must lie. */
    public Builder ringDirectory(Path dir) {
      this.ringDirectory = Objects.requireNonNull(dir, "ringDirectory");
      return this;
    }

    /**
     * Serves the web UI too, on {@code host} and {@code port} (0 picks a free one), answering to
     * {@code allowedHosts} too, under this server's connect options; a bad value is refused
     * naming its flag ({@link UiOptions#of}).
     */
    public Builder ui(String host, int port, String... allowedHosts) {
      this.uiAllowed = List.of(allowedHosts);
      this.uiHost = host;
      this.uiPort = port;
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    public ServerOptions build() {
      Path root = exportRoot != null || exportsOff || connect.beyondLoopback() ? exportRoot
          : DEFAULT_EXPORTS;
      return new ServerOptions(port, workers, window != null ? window : 2 * Math.max(1, workers),
          root, builtin, datasets, skipByKey, new DepthSettings(device, Math.max(1, workers),
              depthCacheBytes, cacheDir, diskCacheBytes, depthStore, depthSessions),
          statsInterval, shutdownGrace, drainDelay,
          load, exportLimits, metricsHost, metricsPort, sharedMemory, ringDirectory, connect,
          uiPort == null ? null : UiOptions.of(uiHost, uiPort, connect, uiAllowed),
          ticker);
    }
  }
}
