package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.LogLines;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.server.transport.TokenGuesses;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-ins and Host names under abuse, over real HTTP: floods of sign-ins, refused or of one
 * token, are a log line a minute each; one token's many sign-ins end only its own oldest
 * sessions; without tokens, a request naming another site's Host is refused (DNS rebinding).
 */
class WebUiSignInTest {
  private static final String ALICE = "alice-0123456789abcdef";
  private static final String BOB = "bob-fedcba9876543210";

  @TempDir
  static Path dir;

  /** The shared server's ticker: still but for the minutes a test passes. */
  private static final AtomicLong NOW = new AtomicLong();
  private static UiTestServer server;
  private static final String ACCESS = Access.class.getName();
  private static LogLines logged;

  @BeforeAll
  static void start() throws Exception {
    logged = LogLines.capture(ACCESS);
    server = UiTestServer.start(dir.resolve("exports"), ConnectOptions.builder()
        .tokens(AccessTokens.parse(List.of("alice:" + ALICE, "bob:" + BOB), "test")).build(),
        NOW::get);
  }

  @AfterAll
  static void stop() throws Exception {
    logged.close();
    server.close();
  }

  /** Lines containing {@code part} logged since the {@code from}-th. */
  private static long lines(int from, String part) {
    List<String> all = logged.lines();
    return all.subList(from, all.size()).stream().filter(l -> l.contains(part)).count();
  }

  /** Passes a minute on the shared server's ticker: the next line of each kind is due. */
  private static void passAMinute() {
    NOW.addAndGet(MinuteLines.EVERY.toNanos());
  }

  @Test
  void aFloodOfWrongTokensIsPacedInWordsAndOneLogLineAMinuteEach() throws Exception {
    AtomicLong now = new AtomicLong();
    try (LogLines own = LogLines.capture(ACCESS); UiTestServer flood = UiTestServer.start(
        dir.resolve("flood"), ConnectOptions.builder().tokens(AccessTokens.parse(
            List.of("alice:" + ALICE), "test")).build(), now::get)) {
      HttpResponse<String> signedIn = flood.get("/api/login", "Authorization", "Bearer " + ALICE);
      String session = signedIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
      int unknown = 0;
      HttpResponse<String> paced = null;
      for (int i = 0; i < 200; i++) {
        HttpResponse<String> r = flood.get(i % 2 == 0 ? "/api/login" : "/api/datasets",
            "Authorization", "Bearer wrong-token-000000" + i);
        // The first ones are compared; past them, one in a while (a check back) is.
        assertEquals(i < TokenGuesses.BURST ? 401 : r.statusCode() == 401 ? 401 : 429,
            r.statusCode(), i + ": " + r.body());
        unknown += r.statusCode() == 401 && i % 2 == 0 ? 1 : 0;
        paced = r.statusCode() == 429 ? r : paced;
      }
      assertTrue(paced != null, "refused as too many within 200");
      assertTrue(paced.body().contains("too many wrong tokens from 127.0.0.1; try again in "),
          paced.body());
      assertTrue(paced.headers().firstValue("Retry-After").isPresent(), paced.toString());
      // A session is no guess: its requests are not paced while its address guesses.
      for (int i = 0; i < TokenGuesses.BURST; i++) {
        flood.get("/api/datasets", "Authorization", "Bearer wrong-token-1000000" + i);
        assertEquals(200, flood.get("/api/datasets", "Cookie", session).statusCode());
      }
      assertEquals(1, own.lines().stream().filter(l -> l.contains("unknown token")).count());
      assertEquals(1, own.lines().stream().filter(l -> l.contains("too many")).count());
      now.addAndGet(MinuteLines.EVERY.toNanos()); // a request a minute on brings the summaries
      assertEquals(401, flood.get("/api/login").statusCode());
      assertTrue(own.lines().contains("INFO " + (unknown - 1) + " more web UI sign-ins with an"
          + " unknown token refused in the last 60 s (last: from 127.0.0.1)"),
          own.lines().toString());
      assertTrue(own.lines().stream().anyMatch(l -> l.matches("WARNING \\d+ more web UI "
          + "requests refused for too many wrong tokens in the last 60 s \\(last: from "
          + "127.0.0.1\\)")), own.lines().toString());
      // The right token gets in once a check is back: refused meanwhile only as too many.
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      HttpResponse<String> in = flood.get("/api/login", "Authorization", "Bearer " + ALICE);
      while (in.statusCode() == 429 && System.nanoTime() < end) {
        Thread.sleep(10);
        in = flood.get("/api/login", "Authorization", "Bearer " + ALICE);
      }
      assertEquals(200, in.statusCode(), in.body());
      assertTrue(own.lines().stream().noneMatch(l -> l.contains("wrong-token")));
    }
  }

  @Test
  void theSignInsHeldBackAreCountedWhenTheUiStops() throws Exception {
    try (LogLines own = LogLines.capture(ACCESS)) {
      try (UiTestServer other = UiTestServer.start(dir.resolve("other"), ConnectOptions.builder()
          .tokens(AccessTokens.parse(List.of("alice:" + ALICE), "test")).build())) {
        for (int i = 0; i < 10; i++) {
          assertEquals(401, other.get("/api/login", "Authorization", "Bearer wrong-token-00000"
              + i).statusCode());
        }
      }
      // The first line at once; then, at the latest when the UI stops, the other 9 counted.
      assertTrue(own.lines().stream().anyMatch(l -> l.matches("INFO 9 more web UI sign-ins with"
          + " an unknown token refused in the last \\d+ s \\(last: from 127.0.0.1\\)")),
          own.lines().toString());
    }
  }

  @Test
  void eachTokensSignInsHaveTheirOwnLinesSoOnesFloodHidesNoOther() throws Exception {
    try (LogLines own = LogLines.capture(ACCESS)) {
      try (UiTestServer other = UiTestServer.start(dir.resolve("per-token"), ConnectOptions
          .builder().tokens(AccessTokens.parse(List.of("alice:" + ALICE, "bob:" + BOB), "test"))
          .build())) {
        for (int i = 0; i < 5; i++) {
          assertEquals(200, other.get("/api/login", "Authorization", "Bearer " + ALICE)
              .statusCode());
        }
        assertEquals(200, other.get("/api/login", "Authorization", "Bearer " + BOB)
            .statusCode());
        // Bob's first sign-in is said at once, though alice's flood began within the minute.
        assertTrue(own.lines().contains("INFO web UI: alice signed in; " + MinuteLines.COUNTED),
            own.lines().toString());
        assertTrue(own.lines().contains("INFO web UI: bob signed in; " + MinuteLines.COUNTED),
            own.lines().toString());
      }
      assertTrue(own.lines().stream().anyMatch(l -> l.matches("INFO 4 more web UI sign-ins of"
          + " token alice in the last \\d+ s \\(last: alice\\)")), own.lines().toString());
    }
  }

  @Test
  void aTokenKeepsItsNewestSessionsAndCannotEndAnothersSessions() throws Exception {
    int from = logged.lines().size();
    passAMinute();
    String bob = signIn(BOB);
    List<String> alice = new ArrayList<>();
    for (int i = 0; i <= Access.PER_TOKEN; i++) {
      alice.add(signIn(ALICE));
    }
    assertEquals(401, datasets(alice.get(0)), "alice's oldest session ended");
    assertEquals(200, datasets(alice.get(1)));
    assertEquals(200, datasets(alice.get(Access.PER_TOKEN)));
    assertEquals(200, datasets(bob), "bob's session is his own");
    // Each token's lines apart: bob's, and alice's first within the minute.
    assertEquals(1, lines(from, "alice"), logged.lines().toString());
  }

  @Test
  void aRequestWithTwoAuthorizationHeadersIsRefusedWhateverTheyHold() throws Exception {
    HttpResponse<String> login = server.get("/api/login", "Authorization", "Bearer " + BOB,
        "Authorization", "Bearer " + ALICE);
    assertEquals(401, login.statusCode(), login.body());
    // The gRPC port's words, even when both tokens are valid.
    String two = "the call has 2 authorization headers: send one, 'authorization: Bearer TOKEN'";
    assertTrue(login.body().contains(two), login.body());
    for (String path : List.of("/api/datasets", "/img/composite.png?index=1")) {
      HttpResponse<String> both = server.get(path, "Authorization", "Bearer " + ALICE,
          "Authorization", "Bearer " + BOB);
      assertEquals(401, both.statusCode(), both.body());
      assertTrue(both.body().contains(two), both.body());
    }
    assertEquals(200, server.get("/api/datasets", "Authorization", "Bearer " + ALICE)
        .statusCode());
  }

  private static String signIn(String token) throws Exception {
    HttpResponse<String> r = server.get("/api/login", "Authorization", "Bearer " + token);
    assertEquals(200, r.statusCode(), r.body());
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return cookie.substring(0, cookie.indexOf(';'));
  }

  private static int datasets(String cookie) throws Exception {
    return server.get("/api/datasets", "Cookie", cookie).statusCode();
  }

  @Test
  void withTokensAnyHostIsServedSoAProxyForwardingTheBrowsersHostWorks() throws Exception {
    // A page of another site (DNS rebinding) has neither token nor cookie: no need to check.
    assertTrue(raw(server, "fgbg.example.com").startsWith("HTTP/1.1 200"));
    String bare = raw(server, "fgbg.example.com", "");
    assertTrue(bare.startsWith("HTTP/1.1 401"), bare);
  }

  @Test
  void withoutTokensARequestForAnotherSitesHostIsRefusedUnlessAllowed() throws Exception {
    try (UiTestServer open = UiTestServer.startAllowing(dir.resolve("open"), "fgbg.example.com",
        "Proxy.Example")) {
      int port = open.app.uiPort();
      String refused = raw(open, "attacker.example:" + port);
      assertTrue(refused.startsWith("HTTP/1.1 421"), refused);
      assertTrue(refused.contains("Host 'attacker.example:" + port + "' (a page of another site"
          + " may reach it so, by DNS rebinding): open it as http://127.0.0.1:" + port + "/, or,"
          + " behind a proxy that forwards this name, give --ui-allowed-host attacker.example"),
          refused);
      assertTrue(refused.toLowerCase(Locale.ROOT).contains("content-type: text/plain"), refused);
      // A browser (asking for HTML) gets a page: a title, the same words, a link that works.
      String page = raw(open, "/", "attacker.example:" + port, "Accept: text/html,*/*\r\n");
      assertTrue(page.startsWith("HTTP/1.1 421"), page);
      assertTrue(page.toLowerCase(Locale.ROOT).contains("content-type: text/html"), page);
      assertTrue(page.contains("<title>Misdirected request (421)</title>"), page);
      assertTrue(page.contains("Host &#39;attacker.example:" + port + "&#39; (a page of"), page);
      assertTrue(page.contains("<a href=\"http://127.0.0.1:" + port + "/\">"), page);
      assertTrue(raw(open, "localhost.attacker.example:" + port).startsWith("HTTP/1.1 421"));
      assertTrue(raw(open, "attacker.example").startsWith("HTTP/1.1 421"));
      // Another port is a tunnel's (ssh -L 9000:127.0.0.1:PORT): a loopback name is enough;
      // the names of --ui-allowed-host are a proxy's.
      for (String ok : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port,
          "LOCALHOST:" + port, "localhost:9000", "127.0.0.1", "fgbg.example.com",
          "FGBG.example.com:443", "proxy.example:8443")) {
        String r = raw(open, ok);
        assertTrue(r.startsWith("HTTP/1.1 200"), ok + ": " + r);
      }
    }
  }

  /**
   * Any site a user visits could send GETs to a loopback UI that asks no token (a page needs no
   * CORS permission to send one, only to read it) and start Stats that take the places a
   * trainer's calls need: the API refuses what a browser says another site or port sent.
   */
  @Test
  void withoutTokensTheApiRefusesRequestsAPageOfAnotherSiteSent() throws Exception {
    try (UiTestServer open = UiTestServer.startAllowing(dir.resolve("cross-site"))) {
      int port = open.app.uiPort();
      String host = "127.0.0.1:" + port;
      String stats = "/api/stats?dataset=builtin&seed=1";
      for (String sent : List.of("Origin: https://evil.example\r\nSec-Fetch-Site: cross-site",
          "Sec-Fetch-Site: same-site", "Origin: https://evil.example", "Origin: null",
          "Origin: http://127.0.0.1:9")) {
        String r = raw(open, stats, host, sent + "\r\n");
        assertTrue(r.startsWith("HTTP/1.1 403"), sent + ": " + r);
        assertTrue(r.contains("this web UI's data and images answer the UI's own pages only,"
            + " not a page of another site or port ("), r);
      }
      assertTrue(raw(open, stats, host, "Origin: https://evil.example\r\nSec-Fetch-Site:"
          + " cross-site\r\n").contains("(Sec-Fetch-Site: 'cross-site'): a page elsewhere may"
          + " not start work here; open the UI itself, or send the request without a browser"));
      assertEquals(0, open.app.server().statsAdmission().admitted(), "no Stats started");
      // The UI's own pages (through a tunnel too: the browser sees one origin), a URL typed,
      // and curl or a script, which send neither header.
      for (String ok : List.of("Sec-Fetch-Site: same-origin\r\n",
          "Sec-Fetch-Site: none\r\n", "Origin: http://" + host + "\r\n",
          "Origin: http://localhost:9000\r\nSec-Fetch-Site: same-origin\r\n", "")) {
        String r = raw(open, "/api/datasets", ok.contains("9000") ? "localhost:9000" : host, ok);
        assertTrue(r.startsWith("HTTP/1.1 200"), ok + ": " + r);
      }
      String page = raw(open, "/stats", host, "Sec-Fetch-Site: cross-site\r\n");
      assertTrue(page.startsWith("HTTP/1.1 200"), "a page starts nothing: " + page);
    }
  }

  private static String raw(UiTestServer to, String host) throws IOException {
    return raw(to, host, "Authorization: Bearer " + ALICE + "\r\n");
  }

  /** A GET of the datasets naming {@code host}, over a plain socket; the whole answer. */
  private static String raw(UiTestServer to, String host, String auth) throws IOException {
    return raw(to, "/api/datasets", host, auth);
  }

  /** A GET of {@code path} naming {@code host}, with {@code headers} (lines, each ending CRLF). */
  private static String raw(UiTestServer to, String path, String host, String headers)
      throws IOException {
    return to.raw(path, host, headers);
  }
}
