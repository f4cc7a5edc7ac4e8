package dev.fgbg.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.http.HalfHeads;
import dev.fgbg.server.http.JdkHttp;
import dev.fgbg.server.options.ServerOptions;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics port of a real server under abuse over real sockets: clients that reset the
 * connection before their reply is sent are one counted line, not a SEVERE trace each, and
 * clients dribbling their headers do not hold a scrape up.
 */
@ExtendWith(LogCapture.Clean.class)
class MetricsPortAbuseTest {
  private static final byte[] GET = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  private FgbgApplication start() throws IOException {
    return FgbgApplication.create(ServerOptions.builder().port(0).workers(1)
        .exportRoot(dir.resolve("exports")).builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "",
            "")).metrics("127.0.0.1", 0).build()).start();
  }

  @Test
  void onlyGetAndHeadOfMetricsAreServedOtherPathsAre404AndOtherMethods405() throws Exception {
    try (FgbgApplication app = start()) {
      String base = "http://127.0.0.1:" + app.metricsPort();
      HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(base + "/metrics")));
      assertEquals(200, get.statusCode());
      assertTrue(get.body().contains("fgbg_memory_budget_capacity_bytes"), get.body());
      for (String series : List.of("# HELP process_resident_memory_bytes ",
          "\nprocess_resident_memory_bytes ", "\nprocess_start_time_seconds ",
          "\njvm_memory_used_bytes{area=\"heap\"} ", "\njvm_memory_max_bytes{area=\"heap\"} ",
          "\nfgbg_build_info{java_version=\"" + Runtime.version() + "\",version=\"")) {
        assertTrue(get.body().contains(series), series + " in\n" + get.body());
      }
      assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "/metrics?name[]=x")))
          .statusCode(), "a query is the scraper's filter");
      HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()));
      assertEquals(200, head.statusCode());
      assertEquals("", head.body());
      for (String path : List.of("/", "/-/healthy", "/metricsx", "/metrics/x", "/admin",
          "/favicon.ico")) {
        assertEquals(404, send(HttpRequest.newBuilder(URI.create(base + path))).statusCode(),
            path);
      }
      for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
            .method(method, HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, r.statusCode(), method);
        assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""), method);
      }
      assertEquals(200, send(HttpRequest.newBuilder(URI.create(base + "/metrics")))
          .statusCode(), "still serving after refusals");
    }
  }

  @Test
  void metricsBeyondLoopbackAreOneWarningAndOnLoopbackNone() throws Exception {
    try (LogCapture log = new LogCapture()) {
      try (FgbgApplication app = start()) {
        assertEquals(List.of(), warnings(log));
      }
      try (FgbgApplication app = FgbgApplication.create(ServerOptions.builder().port(0)
          .workers(1).exportRoot(dir.resolve("exports")).builtin(new BuiltinConfig(16, 16, 2, 2,
              2, "", "", "")).metrics("0.0.0.0", 0).build()).start()) {
        assertEquals(List.of("metrics on 0.0.0.0:" + app.metricsPort() + " (--metrics-host) "
            + "are served in plaintext, without TLS or tokens, to anyone who can reach the port"
            + " (they name datasets, models and export destinations); keep the port to your "
            + "scrapers (a NetworkPolicy, a firewall) or use --metrics-host 127.0.0.1"),
            warnings(log));
      }
    }
  }

  private static List<String> warnings(LogCapture log) {
    return log.of(MetricsExposure.class.getName()).stream()
        .filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void clientsResettingTheirScrapeAreOneCountedLineNotATraceEach() throws Exception {
    try (LogCapture log = new LogCapture(); FgbgApplication app = start()) {
      // At once, as HalfHeads connects: one by one, the port's backlog of 3 made each wait.
      ExecutorService clients = Executors.newFixedThreadPool(50);
      List<Future<?>> resets = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        resets.add(clients.submit(() -> {
          try (Socket s = new Socket("127.0.0.1", app.metricsPort())) {
            s.setSoLinger(true, 0); // close sends RST: the reply meets a reset connection
            s.getOutputStream().write(GET);
          }
          return null;
        }));
      }
      for (Future<?> f : resets) {
        f.get(2, TimeUnit.MINUTES);
      }
      clients.shutdown();
      // The server serves the resets on its pool; wait (bounded) until one reply has failed.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (log.of(ScrapeFaults.class.getName()).isEmpty() && log.traces().isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(20); // polling the log: nothing else says a reply failed
      }
      assertEquals(200, scrape(app).statusCode(), "the port still serves");
      log.assertNoTraces();
      List<LogRecord> lines = log.of(ScrapeFaults.class.getName());
      assertEquals(1, lines.size(), lines.stream().map(LogCapture::line).toList().toString());
      assertTrue(lines.get(0).getMessage().startsWith(
          "metrics reply not sent: the client went away ("), lines.get(0).getMessage());
      assertTrue(lines.get(0).getMessage().contains("counted here at most once a minute"));
      assertEquals(List.of(), log.of(ScrapeFaults.EXCHANGE).stream().map(LogCapture::line)
          .toList());
    }
  }

  @Test
  void aReplyFailingForAnotherReasonKeepsItsTrace() {
    ScrapeFaults f = new ScrapeFaults(System::nanoTime);
    LogRecord bug = new LogRecord(Level.SEVERE, "caught an Exception");
    bug.setThrown(new IllegalStateException("a collector's bug"));
    assertTrue(f.isLoggable(bug));
    LogRecord gone = new LogRecord(Level.SEVERE, "caught an Exception");
    gone.setThrown(new IOException("Broken pipe"));
    try (LogCapture log = new LogCapture()) {
      assertTrue(!f.isLoggable(gone));
      assertEquals(1, log.of(ScrapeFaults.class.getName()).size());
    }
  }

  /** What {@code f} says of a reply that could not be sent, on a thread of {@code pool}. */
  private static List<String> saidOn(ExecutorService pool, ScrapeFaults f) throws Exception {
    LogRecord closed = new LogRecord(Level.SEVERE, "caught an Exception");
    closed.setThrown(new IOException("stream is closed"));
    try (LogCapture log = new LogCapture()) {
      assertTrue(!pool.submit(() -> f.isLoggable(closed)).get(10, TimeUnit.SECONDS));
      return log.of(ScrapeFaults.class.getName()).stream().map(LogRecord::getMessage).toList();
    }
  }

  @Test
  void aReplyCutOffByItsOwnServersStopIsSaidSoNotBlamedOnTheClient() throws Exception {
    ScrapeFaults.Stop stop = new ScrapeFaults.Stop();
    ScrapeFaults.Stop other = new ScrapeFaults.Stop();
    ExecutorService pool = JdkHttp.pool("test-metrics", 2, stop::around);
    ExecutorService running = JdkHttp.pool("test-metrics-other", 2, other::around);
    try {
      stop.begin();
      ScrapeFaults f = new ScrapeFaults(System::nanoTime);
      assertEquals(List.of("metrics reply not sent: the server is stopping"), saidOn(pool, f));
      List<String> gone = saidOn(running, f); // a server still running: its client went away
      assertEquals(1, gone.size(), "" + gone);
      assertTrue(gone.get(0).startsWith("metrics reply not sent: the client went away "
          + "('stream is closed')"), gone.get(0));
      assertEquals(List.of(), saidOn(running, f), "counted, at FINE, within the minute");
    } finally {
      pool.shutdownNow();
      running.shutdownNow();
    }
  }

  @Test
  void clientsDribblingTheirHeadersDoNotHoldAScrapeUp() throws Exception {
    List<Socket> slow = List.of();
    try (FgbgApplication app = start()) {
      // The client's default pool: 10 threads, 100 queued.
      slow = HalfHeads.open(app.metricsPort(), 100, "GET /metrics HTTP/1.1\r\nHost: x\r\n");
      long t0 = System.nanoTime();
      HttpResponse<String> r = scrape(app);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("fgbg_memory_budget_capacity_bytes"), r.body());
      assertTrue(ms < 3000, "a scrape answered only after " + ms + " ms");
      // Read once per JVM, at its first HTTP server: the test JVM starts with the value (pom).
      assertEquals(String.valueOf(JdkHttp.REQUEST_SECONDS),
          System.getProperty(JdkHttp.MAX_REQ_TIME));
    } finally {
      HalfHeads.close(slow);
    }
  }

  private static HttpResponse<String> scrape(FgbgApplication app) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.metricsPort()
        + "/metrics")).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
