package dev.fgbg.server.ui;

import com.google.gson.JsonObject;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.options.UiOptions;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.ConnectOptions;
import io.grpc.util.AdvancedTlsX509KeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may use the UI: a token-protected server refuses it without the token (a sign-in page in
 * a real browser, 401 for data) and never lets the token into a URL, a cookie or a log line;
 * HTTPS with the server's own PEM files, client certificates when it asks for them; and beyond
 * loopback neither without {@code --insecure}.
 */
class WebUiAccessTest {
  private static final String TOKEN = "alice:0123456789abcdef-ui-token";
  private static final String SECRET = "0123456789abcdef-ui-token";

  @TempDir
  Path dir;

  @Test
  void aTokenProtectedServerRefusesTheUiWithoutTheTokenAndNeverLogsIt() throws Exception {
    List<String> logged = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        logged.add(r.getMessage() + (r.getThrown() != null ? " " + r.getThrown() : ""));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    ConnectOptions connect = ConnectOptions.builder()
        .tokens(AccessTokens.parse(List.of(TOKEN), "test")).build();
    try (UiTestServer server = UiTestServer.start(dir.resolve("exports"), connect);
        HeadlessChromium browser = HeadlessChromium.start(1200, 800)) {
      assertEquals(401, server.get("/api/grid").statusCode());
      assertEquals(401, server.get("/img/composite.png?index=0").statusCode());
      assertEquals(401, server.get("/api/grid", "Authorization", "Bearer wrong-token-xxxxxxxx")
          .statusCode());
      assertEquals(200, server.get("/api/grid", "Authorization", "Bearer " + SECRET)
          .statusCode());
      assertEquals(200, server.get("/static/app.css").statusCode(), "the sign-in page's style");
      HttpResponse<String> page = server.get("/grid");
      assertEquals(401, page.statusCode());
      assertTrue(page.body().contains("/static/login.js"), page.body());

      // In the browser: the sign-in page, the token typed, the grid.
      assertEquals("login", browser.open(server.url + "/grid?per_page=6"));
      browser.screenshot(WebUiBrowserTest.SHOTS.resolve("login.png"));
      browser.eval("document.getElementById('token').value = 'not-a-token-of-this-server'");
      assertEquals("refused", browser.eval("new Promise(r => { addEventListener('fgbg-ready',"
          + " () => r(document.body.dataset.state), { once: true });"
          + " document.getElementById('login').requestSubmit(); })").getAsString());
      browser.eval("document.getElementById('token').value = '" + SECRET + "'");
      CompletableFuture<JsonObject> reloaded = browser.next("Page.loadEventFired");
      browser.eval("document.getElementById('login').requestSubmit()");
      reloaded.get(60, TimeUnit.SECONDS);
      assertEquals("ready", browser.awaitShown());
      assertEquals(6L, browser.eval("document.querySelectorAll('.tile').length").getAsLong());
      assertFalse(browser.eval("location.href").getAsString().contains(SECRET));
      assertEquals("", browser.eval("document.cookie").getAsString(), "the session is HttpOnly");
      HttpResponse<String> login = server.get("/api/login", "Authorization", "Bearer " + SECRET);
      String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
      assertFalse(cookie.contains(SECRET), cookie);
      String session = cookie.substring(0, cookie.indexOf(';'));
      assertEquals(200, server.get("/api/datasets", "Cookie", session).statusCode());
      server.get("/api/logout", "Cookie", session);
      assertEquals(401, server.get("/api/datasets", "Cookie", session).statusCode());
    } finally {
      root.removeHandler(capture);
    }
    assertTrue(logged.stream().anyMatch(l -> l.contains("web UI: alice signed in")), logged
        .toString());
    assertTrue(logged.stream().noneMatch(l -> l.contains(SECRET)), logged.toString());
  }

  @Test
  void badRequestsGetAClearStatusNamingTheProblemAndNoStackTrace() throws Exception {
    try (UiTestServer server = UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build())) {
      String[][] bad = {
          {"/api/grid?page=abc", "parameter 'page' must be an integer"},
          {"/api/grid?per_page=1000", "parameter 'per_page' must be in [1, 240], got 1000"},
          {"/api/grid?page=999", "parameter 'page' is 999, past the last: there are 8 pages"},
          {"/api/grid?bg=0&page=2&per_page=240", "parameter 'page' is 2, past the last: there is 1 "
              + "page of 240 samples"},
          {"/api/grid?page=999&per_page=1", "parameter 'page' is 999, past the last: there are "
              + "480 pages of 1 sample\""}, // the end of the JSON string: not "1 samples"
          {"/api/grid?order=sideways", "parameter 'order' must be one of index, random,"},
          {"/api/grid?bg=0,77", "parameter 'bg' must be in [0, 5], got 77"},
          {"/api/grid?fg_label=unicorn", "parameter 'fg_label': no label 'unicorn'"},
          {"/api/grid?order=epoch&bg=1", "parameter 'bg' filters samples, but order=epoch"},
          {"/api/grid?order=epoch&rank=3&world_size=2", "rank 3 must be in [0, world_size 2)"},
          {"/api/grid?colour=red", "unknown parameter 'colour'; this page takes"},
          {"/api/grid?seed=1&seed=2", "parameter 'seed' is given twice"},
          {"/api/grid?dataset=nope", "parameter 'dataset': unknown dataset 'nope'"},
          {"/api/sample", "parameter 'index' is required"},
          {"/api/sample?index=480", "parameter 'index' must be in [0, 479], got 480"},
          {"/api/stats?start=10&end=5", "parameter 'end' must be in [11, 480], got 5"},
          {"/api/stats?outputs=image,sky", "parameter 'outputs': sky is not one of"},
          {"/api/stats?stride=0", "parameter 'stride' must be in [1, 480], got 0"},
          {"/api/stats?stride=4&sample=200", "sample 200 is more than the 120 samples of range"
              + " 0:480 with stride 4"},
          {"/grid?page=-1", "parameter 'page' must be in [1, "},
          {"/img/composite.png?index=1", "parameter 'fingerprint' is required"},
      };
      for (String[] b : bad) {
        HttpResponse<String> r = server.get(b[0]);
        assertEquals(400, r.statusCode(), b[0] + ": " + r.body());
        assertTrue(r.body().contains(b[1]) || r.body().contains(Resources.escape(b[1])),
            b[0] + ": " + r.body());
        assertFalse(r.body().contains("at dev.fgbg") || r.body().contains("Exception"),
            r.body());
      }
      assertTrue(server.get("/grid?page=-1").headers().firstValue("Content-Type").orElseThrow()
          .startsWith("text/html"), "a page's refusal is a page");
      assertEquals(404, server.get("/nothing/here").statusCode());
      assertEquals(404, server.get("/api/nothing").statusCode());
      assertEquals(404, server.get("/static/secret.txt").statusCode());
      String fingerprint = server.app.datasets().get(0).fingerprint();
      assertEquals(404, server.get("/img/composite.png?index=1&fingerprint=0000").statusCode(),
          "an image of another fingerprint is gone");
      HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(server.url + "/api/grid")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());

      // Images: immutable for the browser, and a revalidation is a 304 without rendering.
      String image = "/img/composite.png?dataset=builtin&fingerprint=" + fingerprint
          + "&seed=0&index=3";
      HttpResponse<String> first = server.get(image);
      assertEquals(200, first.statusCode());
      assertEquals("image/png", first.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(first.headers().firstValue("Cache-Control").orElseThrow().contains("immutable"));
      String etag = first.headers().firstValue("ETag").orElseThrow();
      assertEquals(304, server.get(image, "If-None-Match", etag).statusCode());
      HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(server.url + image)).method("HEAD", HttpRequest.BodyPublishers.noBody())
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, head.statusCode());
      assertEquals("", head.body());
    }
  }

  @Test
  void httpsUsesTheServersPemFilesAndClientCertificatesWhenItAsksForThem() throws Exception {
    TestCertificates certs = TestCertificates.write(dir.resolve("tls"));
    ConnectOptions connect = ConnectOptions.builder().tls(certs.serverCert(), certs.serverKey())
        .tlsClientCa(certs.ca()).build();
    try (UiTestServer server = UiTestServer.start(dir.resolve("exports"), connect)) {
      String https = server.url.replace("http://", "https://") + "/api/datasets";
      HttpRequest get = HttpRequest.newBuilder(URI.create(https)).build();
      HttpResponse<String> ok = HttpClient.newBuilder().sslContext(tls(certs, true)).build()
          .send(get, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("\"builtin\""));
      assertThrows(IOException.class, () -> HttpClient.newBuilder()
          .sslContext(tls(certs, false)).build().send(get, HttpResponse.BodyHandlers.ofString()),
          "no client certificate, no UI");
      assertThrows(IOException.class, () -> server.get("/api/datasets"), "no plaintext");
    }
  }

  @Test
  @SuppressWarnings("unchecked") // anyOf answers Object
  void underMtlsWithoutTokensAUiClientIsItsCertificatesSubjectAsOnTheGrpcPort()
      throws Exception {
    TestCertificates certs = TestCertificates.write(dir.resolve("mtls"));
    ConnectOptions connect = ConnectOptions.builder().tls(certs.serverCert(), certs.serverKey())
        .tlsClientCa(certs.ca()).build();
    try (UiTestServer server = UiTestServer.start(dir.resolve("exports"), connect)) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .sslContext(tls(certs, true)).build();
      String https = server.url.replace("http://", "https://");
      // The whole budget held: admitted pages wait, so the client's share fills.
      MemoryBudget budget = server.app.server().budget();
      assertTrue(budget.tryAcquire(budget.capacity()), "the budget was idle");
      List<CompletableFuture<HttpResponse<String>>> pages = new ArrayList<>();
      HttpResponse<String> refused = null;
      try {
        int share = (GridPage.AT_ONCE + GridPage.QUEUED) / 2;
        for (int k = 0; k <= share; k++) {
          pages.add(http.sendAsync(HttpRequest.newBuilder(URI.create(https
              + "/api/grid?per_page=24&order=random&shuffle_seed=" + k)).build(),
              HttpResponse.BodyHandlers.ofString()));
        }
        refused = CompletableFuture.anyOf(pages.toArray(CompletableFuture[]::new))
            .thenApply(r -> (HttpResponse<String>) r).get(60, TimeUnit.SECONDS);
      } finally {
        budget.release(budget.capacity());
      }
      assertEquals(503, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("client certificate CN=trainer-1 has 4 web UI grid"
          + " pages"), refused.body());
      for (CompletableFuture<HttpResponse<String>> p : pages) {
        p.get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void httpsOffersTheGrpcPortsCipherSuitesOnlyNotOldCbcOnes() throws Exception {
    TestCertificates certs = TestCertificates.write(dir.resolve("tls"));
    ConnectOptions connect = ConnectOptions.builder().tls(certs.serverCert(), certs.serverKey())
        .build();
    try (UiTestServer server = UiTestServer.start(dir.resolve("exports"), connect)) {
      SSLContext tls = tls(certs, false);
      String[] cbc = {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"};
      for (int port : new int[] {server.app.uiPort(), server.app.port()}) {
        assertThrows(SSLException.class, () -> handshake(tls, port, cbc),
            "no CBC suite (no AEAD) on port " + port);
      }
      assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", handshake(tls,
          server.app.uiPort(), new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}));
    }
  }

  /** A TLS 1.2 handshake offering only {@code suites}: the suite agreed. */
  private static String handshake(SSLContext tls, int port, String[] suites)
      throws IOException {
    try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.setEnabledCipherSuites(suites);
      s.startHandshake();
      return s.getSession().getCipherSuite();
    }
  }

  /** Trusts the test CA; presents the client certificate when {@code client}. */
  private static SSLContext tls(TestCertificates certs, boolean client) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certs.ca())) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManager[] keys = null;
    if (client) {
      AdvancedTlsX509KeyManager km = new AdvancedTlsX509KeyManager();
      km.updateIdentityCredentials(certs.clientCert().toFile(), certs.clientKey().toFile());
      keys = new KeyManager[] {km};
    }
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(keys, tmf.getTrustManagers(), null);
    return c;
  }

  @Test
  void beyondLoopbackTheUiFollowsTheServersRules() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UiOptions.of("0.0.0.0", 8080, ConnectOptions.builder().build()));
    assertEquals("--ui-host 0.0.0.0 listens beyond loopback without TLS or tokens: give "
        + "--tls-cert and --tls-key, or --token-file, or --insecure to show the UI to anyone who"
        + " can reach the port in plaintext", e.getMessage());
    UiOptions.of("0.0.0.0", 8080, ConnectOptions.builder().tokens(AccessTokens.parse(
        List.of(TOKEN), "test")).build());
    UiOptions.of("0.0.0.0", 8080, ConnectOptions.builder().host("0.0.0.0").insecure(true)
        .build());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> UiOptions.of("127.0.0.1",
        70000, ConnectOptions.builder().build())).getMessage().startsWith("--ui-port 70000"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> UiOptions.of("no.such.host"
        + ".invalid", 1, ConnectOptions.builder().build())).getMessage()
        .startsWith("--ui-host no.such.host.invalid"));
  }
}
