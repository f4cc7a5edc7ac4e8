package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fgbg.core.load.Admission;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.server.http.JdkHttp;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.Authenticator;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client's flood of the UI's heavy requests leaves room for another client, over real HTTP
 * and gRPC on a server with two tokens: the UI's Stats count against the signed-in token's share
 * of the server's Stats (as the RPC's do), and its grid pages against a share of their own.
 */
class WebUiSharesTest {
  static final String ALICE = "alice-0123456789abcdef";
  static final String BOB = "bob-fedcba9876543210";
  static final String CAROL = "carol-0246813579abcdef";

  @TempDir
  static Path dir;

  private static UiTestServer server;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    server = UiTestServer.start(dir.resolve("exports"), ConnectOptions.builder()
        .tokens(AccessTokens.parse(List.of("alice:" + ALICE, "bob:" + BOB,
        "carol:" + CAROL), "test")).build());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static CompletableFuture<HttpResponse<String>> get(String path, String token) {
    return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(server.url + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(90)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Waits (polling: nothing else to wait on) until {@code done}, for at most 30 s. */
  private static void await(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  private static long done(List<? extends CompletableFuture<?>> fs) {
    return fs.stream().filter(CompletableFuture::isDone).count();
  }

  @Test
  void oneTokensFloodOfUiStatsLeavesAnotherTokenRoomForItsStatsCall() throws Exception {
    CountDownLatch release = holdTheWorkers();
    Admission stats = server.app.server().statsAdmission();
    List<CompletableFuture<HttpResponse<String>>> alice = new ArrayList<>();
    CompletableFuture<StatsResponse> bob = new CompletableFuture<>();
    try {
      for (int i = 0; i < 18; i++) { // --max-stats 2 + --stats-queue 16
        alice.add(get("/api/stats?dataset=builtin&seed=" + i, ALICE));
      }
      await(() -> done(alice) >= 9);
      assertEquals(9, stats.running() + stats.queued(), "alice holds half the places");
      Metadata h = new Metadata();
      h.put(Authenticator.AUTHORIZATION, "Bearer " + BOB);
      FgbgGrpc.newStub(ClientInterceptors.intercept(server.channel,
          MetadataUtils.newAttachHeadersInterceptor(h))).withDeadlineAfter(90, TimeUnit.SECONDS)
          .stats(StatsRequest.newBuilder().setDataset("builtin").setSeed(99).setEnd(8).build(),
              observer(bob));
      await(() -> bob.isDone() || stats.running() + stats.queued() == 10);
    } finally {
      release.countDown();
    }
    assertEquals(8, bob.get(60, TimeUnit.SECONDS).getSamples(), "bob's Stats was admitted");
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> f : alice) {
      String body = f.get(60, TimeUnit.SECONDS).body();
      if (body.contains("event: failure")) {
        refused++;
        assertTrue(body.contains("client token alice has 9 Stats requests running or queued"),
            body);
      }
    }
    assertEquals(9, refused);
  }

  /**
   * One token alone runs its two Stats on both places (--max-stats 2), and another token's
   * Stats still starts at once beside them, not behind them: it waited for one of the first
   * client's whole-dataset Stats to end, past its deadline.
   */
  @Test
  void anotherTokensStatsStartsWhileOneTokenHasTwoOpen() throws Exception {
    CountDownLatch release = holdTheWorkers();
    Admission stats = server.app.server().statsAdmission();
    List<CompletableFuture<StatsResponse>> alice = List.of(new CompletableFuture<>(),
        new CompletableFuture<>());
    try (Socket bob = new Socket("127.0.0.1", server.app.uiPort())) {
      Metadata h = new Metadata();
      h.put(Authenticator.AUTHORIZATION, "Bearer " + ALICE);
      for (int i = 0; i < 2; i++) {
        FgbgGrpc.newStub(ClientInterceptors.intercept(server.channel,
            MetadataUtils.newAttachHeadersInterceptor(h))).withDeadlineAfter(90,
            TimeUnit.SECONDS).stats(StatsRequest.newBuilder().setDataset("builtin")
            .setSeed(400 + i).build(), observer(alice.get(i)));
      }
      await(() -> stats.running() + stats.queued() == 2);
      bob.setSoTimeout(60_000);
      bob.getOutputStream().write(("GET /api/stats?dataset=builtin&seed=402 HTTP/1.1\r\nHost:"
          + " 127.0.0.1\r\nAuthorization: Bearer " + BOB + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(bob.getInputStream(),
          StandardCharsets.UTF_8));
      String event = in.readLine();
      while (event != null && !event.startsWith("event: ")) {
        event = in.readLine();
      }
      assertEquals("event: progress", event, "bob's Stats started at once, not queued");
      assertEquals(3, stats.running(), "alice's two, alone on both places, and bob's beside");
      assertEquals(0, stats.queued());
      release.countDown();
      while (event != null && !event.equals("event: result")) {
        event = in.readLine();
      }
      assertEquals("event: result", event, "bob's Stats finished");
    } finally {
      release.countDown();
    }
    for (CompletableFuture<StatsResponse> a : alice) {
      assertEquals(UiTestServer.SIZE, a.get(60, TimeUnit.SECONDS).getSamples());
    }
  }

  @Test
  void aQueuedStatsWhoseBrowserLeftGivesUpItsPlace() throws Exception {
    CountDownLatch release = holdTheWorkers();
    Admission stats = server.app.server().statsAdmission();
    List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
    try {
      // --max-stats 2: both run (waiting for the workers), one token's each: a token runs
      // at most half the places, so its second would wait even with a place free.
      for (String token : List.of(CAROL, BOB)) {
        running.add(get("/api/stats?dataset=builtin&seed=" + (300 + running.size()), token));
      }
      await(() -> stats.running() == 2);
      assertEquals(2, stats.running());
      try (Socket s = new Socket("127.0.0.1", server.app.uiPort())) {
        s.setSoTimeout(60_000); // a stream that never says it queued fails, not hangs
        s.getOutputStream().write(("GET /api/stats?dataset=builtin&seed=302 HTTP/1.1\r\nHost: "
            + "127.0.0.1\r\nAuthorization: Bearer " + CAROL + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
            StandardCharsets.UTF_8));
        for (String line = in.readLine(); !"event: queued".equals(line); line = in.readLine()) {
          assertTrue(line != null, "the stream ended before it said it was queued");
        }
        assertEquals(1, stats.queued());
      } // the browser leaves
      await(() -> stats.queued() == 0);
      assertEquals(0, stats.queued(), "the place of a Stats whose browser left was kept");
    } finally {
      release.countDown();
    }
    for (CompletableFuture<HttpResponse<String>> f : running) {
      assertTrue(f.get(60, TimeUnit.SECONDS).body().contains("event: result"));
    }
  }

  @Test
  void aStatsStreamOutlastsTheLimitOnARequestsHead() throws Exception {
    CountDownLatch release = holdTheWorkers();
    CompletableFuture<HttpResponse<String>> stream;
    try {
      stream = get("/api/stats?dataset=builtin&seed=777", BOB);
      // Past the 5 s a request's head may take, and the JDK's 1 s check after: the reply has
      // begun, and no limit applies to it.
      Thread.sleep(TimeUnit.SECONDS.toMillis(JdkHttp.REQUEST_SECONDS + 3));
    } finally {
      release.countDown();
    }
    String body = stream.get(60, TimeUnit.SECONDS).body();
    assertTrue(body.contains("event: result"), body);
  }

  /** Both workers held (every Stats waits, whatever the machine's speed) until released. */
  private static CountDownLatch holdTheWorkers() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    server.holdWorkers(2, release, 30);
    return release;
  }

  @Test
  void oneTokensFloodOfGridPagesLeavesAnotherTokenItsPage() throws Exception {
    // The whole budget held: admitted pages wait for their first piece.
    MemoryBudget budget = server.app.server().budget();
    assertTrue(budget.tryAcquire(budget.capacity()), "the budget was idle");
    List<CompletableFuture<HttpResponse<String>>> alice = new ArrayList<>();
    CompletableFuture<HttpResponse<String>> bob;
    HttpResponse<String> full;
    List<CompletableFuture<HttpResponse<String>>> carol = new ArrayList<>();
    try {
      for (int k = 0; k < 12; k++) {
        alice.add(get("/api/grid?per_page=240&order=random&shuffle_seed=" + k, ALICE));
      }
      int share = (GridPage.AT_ONCE + GridPage.QUEUED) / 2;
      await(() -> done(alice) >= 12 - share);
      bob = get("/api/grid?per_page=240&seed=5", BOB);
      await(() -> bob.isDone() || gridPagesHeld() == share + 1);
      // Carol's pages take the places left; then the server's own limit refuses bob's next.
      for (int k = 0; k < GridPage.AT_ONCE + GridPage.QUEUED - share - 1; k++) {
        carol.add(get("/api/grid?per_page=240&order=random&shuffle_seed=" + (50 + k), CAROL));
      }
      await(() -> gridPagesHeld() == GridPage.AT_ONCE + GridPage.QUEUED);
      full = get("/api/grid?per_page=240&seed=6", BOB).get(60, TimeUnit.SECONDS);
    } finally {
      budget.release(budget.capacity());
    }
    assertEquals(200, bob.get(60, TimeUnit.SECONDS).statusCode(), bob.get().body());
    assertEquals(503, full.statusCode(), full.body());
    assertTrue(full.body().contains("too many web UI grid pages") && full.body().contains(
        "grid pages rendered at once = " + GridPage.AT_ONCE), full.body());
    for (CompletableFuture<HttpResponse<String>> f : carol) {
      assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
    }
    int refused = 0;
    for (CompletableFuture<HttpResponse<String>> f : alice) {
      HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
      if (r.statusCode() == 503) {
        refused++;
        assertTrue(r.body().contains("client token alice has 4 web UI grid pages"), r.body());
      }
    }
    assertEquals(8, refused);
  }

  /** Grid pages rendering and queued, as the Live page shows them. */
  private static int gridPagesHeld() {
    JsonObject pages = JsonParser.parseString(get("/api/live", BOB).join().body())
        .getAsJsonObject().getAsJsonObject("grid_pages");
    return pages.get("running").getAsInt() + pages.get("queued").getAsInt();
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        into.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        into.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }
}
