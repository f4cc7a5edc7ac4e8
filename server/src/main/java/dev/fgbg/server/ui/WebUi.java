package dev.fgbg.server.ui;

import com.github.benmanes.caffeine.cache.Ticker;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.stats.StatsCalculator;
import dev.fgbg.server.http.JdkHttp;
import dev.fgbg.server.options.UiOptions;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The web UI of a running server ({@code --ui-port}): the JDK's HTTP server (HTTPS with the
 * server's TLS files) on its own small pool, with the pages, their JSON and the sample images.
 * Read-only: nothing it serves changes the server's state.
 */
public final class WebUi implements AutoCloseable {
  /**
   * Requests read and served at once (a browser opens six connections; a Stats page holds one).
   * More threads than a browser needs keep a few clients dribbling headers from shutting everyone
   * out ({@link JdkHttp}). The heavy requests are bounded apart ({@link GridPage#AT_ONCE}, the
   * Stats admission).
   */
  static final int THREADS = 32;
  /** Where a refused grid, sample or image page links back to: the grid of the first dataset. */
  private static final Resources.Back GRID = new Resources.Back("/grid", "the Grid");

  private final HttpServer http;
  private final ExecutorService threads;
  private final ExecutorService statsThreads;
  private final String scheme;
  private final Access access;
  private final StatsPage stats;
  private final UnderWay underWay;
  /** When the grace of the server's stop ends, on {@link System#nanoTime()} (see stopping). */
  private volatile long graceEnd = System.nanoTime();

  private WebUi(HttpServer http, ExecutorService threads, ExecutorService statsThreads,
      String scheme, Access access, StatsPage stats, UnderWay underWay) {
    this.stats = stats;
    this.underWay = underWay;
    this.http = http;
    this.threads = threads;
    this.statsThreads = statsThreads;
    this.scheme = scheme;
    this.access = access;
  }

  /**
   * Starts serving {@code view} as {@code options} say; a bad TLS file fails here naming it.
   * {@code ticker}: the server's, which times sign-in log lines and Stats runs.
   */
  public static WebUi start(UiOptions options, ServerView view, Ticker ticker)
      throws IOException {
    ExecutorService threads = JdkHttp.pool("fgbg-ui", THREADS); // before the server: limits
    InetSocketAddress at = new InetSocketAddress(options.host(), options.port());
    boolean tls = options.connect().tls();
    HttpServer http;
    if (tls) {
      HttpsServer https = HttpsServer.create(at, 64);
      https.setHttpsConfigurator(UiTls.configurator(options.connect()));
      http = https;
    } else {
      http = HttpServer.create(at, 64);
    }
    ExecutorService statsThreads = Executors.newCachedThreadPool(new NamedThreads("fgbg-ui-stats"));
    DatasetRegistry registry = view.registry();
    SampleCache cache = new SampleCache(SampleCache.DEFAULT_BYTES,
        view.scheduler().lane("web UI"), view.budget());
    Access access = new Access(options.connect().tokens(), tls, ticker);
    Images images = new Images(registry, cache);
    StatsPage stats = new StatsPage(registry,
        new StatsCalculator(view.scheduler().lane("web UI stats"),
            2 * Runtime.getRuntime().availableProcessors()), view.stats(), statsThreads,
        ticker);
    GridPage grid = new GridPage(registry, cache);
    UnderWay underWay = new UnderWay();
    Router router = new Router(access, new Resources(), new HostCheck(http.getAddress(), tls,
        options.connect().tokens().required(), options.allowedHosts()), underWay,
        name -> registry.all().stream().anyMatch(d -> d.name().equals(name)))
        .page("/", "datasets", q -> fixed(q, "Datasets"), null)
        .page("/grid", "grid", q -> GridQuery.parse(q, registry).title(), GRID)
        .page("/sample", "sample", q -> SamplePage.title(q, registry), GRID)
        .page("/stats", "stats", q -> StatsPage.check(q, registry, Set.of("run")).title(),
            new Resources.Back("/stats", "Stats"))
        .page("/live", "live", q -> fixed(q, "Live server"), null)
        .api("/api/datasets", false, new DatasetsPage(registry)::api)
        .api("/api/grid", false, grid::api)
        .api("/api/sample", false, new SamplePage(registry, cache)::api)
        .api("/api/stats", false, stats::api)
        .api("/api/live", false, new LivePage(view, grid.admission())::api)
        .api("/api/login", true, access::login)
        .api("/api/logout", true, access::logout);
    for (SampleOutputs.Output o : SampleOutputs.ALL) {
      router.file("/img/" + o.file(), r -> images.serve(r, o), GRID);
    }
    http.createContext("/", router);
    http.setExecutor(threads);
    http.start();
    return new WebUi(http, threads, statsThreads, tls ? "https" : "http", access,
        stats, underWay);
  }

  /** The title of a page that takes no parameters. */
  private static String fixed(Query q, String title) {
    q.allow(Set.of());
    return title;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** Where a browser on this machine finds it, e.g. {@code http://127.0.0.1:8080/}. */
  public String url() {
    return url(scheme, http.getAddress());
  }

  /**
   * Where it listens, for the start-up line: its URL ({@code http://10.0.0.5:8080/}), or, bound
   * to every address, that and a URL for a browser on this machine.
   */
  public String describe() {
    InetSocketAddress a = http.getAddress();
    return a.getAddress().isAnyLocalAddress() ? "every address, port " + a.getPort() + " ("
        + url() + " on this machine)" : url();
  }

  /** Where a browser on this machine finds a UI bound to {@code a} (IPv6 in brackets). */
  static String url(String scheme, InetSocketAddress a) {
    String host = a.getAddress().isAnyLocalAddress() ? "localhost"
        : a.getAddress() instanceof Inet6Address ? "[" + a.getAddress().getHostAddress() + "]"
        : a.getAddress().getHostAddress();
    return scheme + "://" + host + ":" + a.getPort() + "/";
  }

  /**
   * The server begins to stop: new requests are refused (503), as new gRPC calls are, and those
   * under way have {@code grace} to finish from now, as the gRPC calls have: {@link #close}
   * waits for them until then. Returns how many are under way, for the stop line.
   */
  public int stopping(Duration grace) {
    graceEnd = System.nanoTime() + grace.toNanos();
    return underWay.refuseNew();
  }

  /**
   * Stops once the requests under way have ended, or when the grace {@link #stopping} gave
   * them ends (at once without one): each Stats run still going then ends its stream with a
   * {@code failure} event saying so, the rest at once.
   */
  @Override
  public void close() {
    try {
      underWay.await(graceEnd);
      stats.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.stop(0);
    threads.shutdownNow();
    statsThreads.shutdownNow();
    access.flush(true); // the sign-ins held back are said, not lost
  }
}
