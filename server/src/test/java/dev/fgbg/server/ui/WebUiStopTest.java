package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.transport.ConnectOptions;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UI Stats running or queued when the server stops end as a gRPC Stats call does, over HTTP: each
 * stream's last event is a {@code failure} in the stop's words, and the reply is finished (the
 * chunked body ends properly) rather than cut, which the browser could only call a lost
 * connection.
 */
class WebUiStopTest {
  @TempDir
  Path dir;

  @Test
  void uiStatsRunningOrQueuedAreToldTheServerStopsAndTheirRepliesEndCleanly()
      throws Exception {
    UiTestServer server = UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build());
    CountDownLatch release = new CountDownLatch(1);
    List<List<String>> events = new ArrayList<>();
    List<BufferedReader> streams = new ArrayList<>();
    try {
      server.holdWorkers(2, release, 30); // the runs stay going, whatever the machine's speed
      // --max-stats 2: a client alone runs in both places, and its third run waits.
      for (String first : List.of("event: progress", "event: progress", "event: queued")) {
        streams.add(open(server, "/api/stats?dataset=builtin&seed=" + streams.size(), first));
      }
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
        try {
          server.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      for (BufferedReader in : streams) {
        List<String> lines = new ArrayList<>();
        // A cut chunked reply fails this read (an IOException) rather than ending it.
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.startsWith("event: ") || line.startsWith("data: ")) {
            lines.add(line);
          }
        }
        in.close();
        events.add(lines);
      }
      stopping.get(60, TimeUnit.SECONDS);
    } finally {
      release.countDown();
    }
    String running = "with this Stats run running; run it again once the server is back";
    String queued = "with this call still queued (it never started); run it again once a server"
        + " is up";
    for (int k = 0; k < events.size(); k++) {
      List<String> lines = events.get(k);
      assertTrue(lines.size() >= 2, lines.toString());
      assertEquals("event: failure", lines.get(lines.size() - 2), lines.toString());
      assertEquals("data: {\"message\":\"the server is shutting down and its --shutdown-grace"
          + " ran out " + (k < 2 ? running : queued) + "\"}", lines.get(lines.size() - 1));
    }
  }

  /**
   * A UI Stats run under way when the server stops gets the grace a gRPC call gets (none was
   * open, so all of it), and ends with its result; a request that comes meanwhile is refused,
   * as a new gRPC call is.
   */
  @Test
  void aUiStatsRunGetsTheShutdownGraceAndNewRequestsAreRefusedMeanwhile() throws Exception {
    UiTestServer server = UiTestServer.start(dir.resolve("exports"), Duration.ofMinutes(2));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stopBegun = new CountDownLatch(1);
    AtomicReference<String> stopLine = new AtomicReference<>();
    Logger log = Logger.getLogger(FgbgApplication.class.getName());
    Handler begun = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getMessage().startsWith("stopping (")) {
          stopLine.set(r.getMessage());
          stopBegun.countDown();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(begun);
    List<String> lines = new ArrayList<>();
    try {
      server.holdWorkers(2, release, 30); // the run stays going until the stop has begun
      BufferedReader in = open(server, "/api/stats?dataset=builtin&seed=3", "event: progress");
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
        try {
          server.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertTrue(stopBegun.await(30, TimeUnit.SECONDS), "the stop began");
      // The run under way gets the grace, and the stop line counts it.
      assertTrue(stopLine.get().contains("; 0 streams, 0 exports and 1 web UI request open; "),
          stopLine.get());
      HttpResponse<String> late = server.get("/api/datasets");
      assertEquals(503, late.statusCode(), late.body());
      assertTrue(late.body().contains("the server is shutting down: it takes no new requests,"
          + " and those under way finish within its --shutdown-grace"), late.body());
      release.countDown();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("event: ")) {
          lines.add(line);
        }
      }
      stopping.get(60, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      log.removeHandler(begun);
    }
    assertEquals("event: result", lines.get(lines.size() - 1), lines.toString());
  }

  /** A Stats stream, read up to the line {@code first}. */
  private static BufferedReader open(UiTestServer server, String path, String first)
      throws Exception {
    HttpResponse<InputStream> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .build().send(HttpRequest.newBuilder(URI.create(server.url + path))
            .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    BufferedReader in = new BufferedReader(new InputStreamReader(r.body(),
        StandardCharsets.UTF_8));
    for (String line = in.readLine(); !first.equals(line); line = in.readLine()) {
      assertTrue(line != null, "the stream ended before '" + first + "'");
    }
    return in;
  }
}
