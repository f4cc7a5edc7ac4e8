package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fgbg.core.Fixtures;
import dev.fgbg.server.transport.ConnectOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI in a real headless Chromium against real servers, where a tester found it wrong: the
 * sample page's pictures at their own aspect (a 64×224 built-in dataset, shorter than the depth
 * colour bar), a change of dataset on the Grid and Stats forms, and the Live and Grid pages
 * while the server is stopped (and, for Live, started again on its port), and a Stats run cut
 * by the server's stop.
 */
class WebUiRecoveryTest {
  private static final int HEIGHT = 64;
  private static final int WIDTH = 224;
  /** The render workers of {@link UiTestServer}. */
  private static final int WORKERS = 2;

  @TempDir
  static Path dir;
  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.browserOnly(1400, 1000);

  @BeforeAll
  static void folders() throws Exception {
    Fixtures.goodFolders(dir);
  }

  private static UiTestServer server(int uiPort) throws Exception {
    return UiTestServer.start(dir.resolve("exports"), ConnectOptions.builder().build(),
        List.of(UiTestServer.photos(dir)), HEIGHT, WIDTH, uiPort);
  }

  private static String text(String expression) {
    return ui.browser.eval(expression).getAsString();
  }

  /** Runs {@code script} (which navigates) and waits until the new page is shown. */
  private static String navigate(String script) {
    CompletableFuture<JsonObject> loaded = ui.browser.next("Page.loadEventFired");
    ui.browser.eval(script);
    loaded.orTimeout(120, TimeUnit.SECONDS).join();
    return ui.browser.awaitShown();
  }

  @Test
  void theSamplePageShowsEveryPictureAtItsOwnAspectAndTheBarAtTheDepthsHeight()
      throws Exception {
    try (UiTestServer server = server(0)) {
      assertEquals("ready", ui.browser.open(server.url + "/sample?dataset=builtin&index=7"));
      JsonArray sizes = ui.browser.eval("[...document.querySelectorAll('#figures img')].map(i =>"
          + " [i.dataset.file, i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight])")
          .getAsJsonArray();
      assertTrue(sizes.size() >= 3, sizes.toString());
      for (JsonElement e : sizes) {
        JsonArray s = e.getAsJsonArray();
        assertEquals(WIDTH, s.get(1).getAsInt(), s.toString());
        assertEquals(HEIGHT, s.get(2).getAsInt(), s.toString());
        // Zoom 1 at this width: shown pixel for pixel.
        assertEquals(WIDTH, s.get(3).getAsInt(), "shown width: " + s);
        assertEquals(HEIGHT, s.get(4).getAsInt(), "shown height: " + s);
      }
      assertEquals(HEIGHT, ui.browser.eval("Math.round(document.querySelector('#colourbar canvas')"
          + ".getBoundingClientRect().height)").getAsInt(), "the colour bar's height");
      ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("sample-wide.png"));
    }
  }

  @Test
  void changingTheDatasetReloadsTheGridAndStatsFormsForIt() throws Exception {
    try (UiTestServer server = server(0)) {
      // Settings photos has not: a depth view, a background beyond its 3, a label of builtin's.
      assertEquals("ready", ui.browser.open(server.url + "/grid?dataset=builtin&view=depth&bg=5"
          + "&k=4&per_page=6&seed=9"));
      assertEquals("ready", navigate("const s = document.querySelector('#controls"
          + " select[name=dataset]'); s.value = 'photos'; s.dispatchEvent(new Event('change'));"
          + " true"));
      // The seed and page size are no dataset's own: they stay.
      assertEquals("?dataset=photos&seed=9&per_page=6", text("location.search"));
      assertEquals("", text("document.querySelector('#controls input[name=bg]').value"));
      assertEquals("outline", text("document.querySelector('#controls select[name=view]')"
          + ".value"));
      assertEquals("ready", navigate("document.getElementById('controls').requestSubmit();"
          + " true"));
      assertEquals("photos", URI.create(text("location.href")).getQuery()
          .replaceAll(".*dataset=([a-z]+).*", "$1"));
      assertTrue(ui.browser.eval("document.querySelectorAll('#tiles .tile').length").getAsInt()
          > 0);

      assertEquals("ready", ui.browser.open(server.url + "/stats?dataset=builtin&end=400"
          + "&outputs=image,mask,depth&stride=7"));
      assertEquals("ready", navigate("const s = document.querySelector('#controls"
          + " select[name=dataset]'); s.value = 'photos'; s.dispatchEvent(new Event('change'));"
          + " true"));
      assertEquals("?dataset=photos", text("location.search"));
      assertEquals("", text("document.querySelector('#controls input[name=end]').value"));
      assertEquals("image,mask", text("document.querySelector('#controls"
          + " input[name=outputs]').value"));
      assertEquals("ready", navigate("document.getElementById('controls').requestSubmit();"
          + " true"));
      assertEquals(200, ui.browser.eval("performance.getEntriesByType('navigation')[0]"
          + ".responseStatus").getAsInt());
    }
  }

  @Test
  void theLivePageSaysTheServerIsGoneKeepsPollingAndRecovers() throws Exception {
    UiTestServer first = server(0);
    int port = URI.create(first.url).getPort();
    try {
      assertEquals("ready", ui.browser.open(first.url + "/live"));
    } finally {
      first.close();
    }
    String notice = text("new Promise(r => { const t = () => { const n ="
        + " document.getElementById('live-notice'); if (n && !n.hidden) r(n.textContent);"
        + " else setTimeout(t, 100); }; t(); })");
    assertTrue(notice.contains("the server cannot be reached; retrying"), notice);
    assertTrue(ui.browser.eval("document.getElementById('cards').classList.contains('stale')")
        .getAsBoolean());
    try (UiTestServer again = server(port)) {
      // Polling goes on by itself: the notice goes once an answer comes.
      assertTrue(ui.browser.eval("new Promise(r => { const t = () => { if (document"
          + ".getElementById('live-notice').hidden) r(true); else setTimeout(t, 100); }; t();"
          + " })").getAsBoolean());
      assertEquals("", text("document.getElementById('cards').className.replace('cards', '')"
          .trim()));
      assertEquals(6, ui.browser.eval("document.querySelectorAll('#cards [data-card]').length")
          .getAsInt());
    }
  }

  @Test
  void gridMasksThatCannotLoadLeaveTheirTilesPlainWithoutUncaughtErrors() throws Exception {
    JsonObject script = new JsonObject();
    script.addProperty("source", "window.fgbgUnhandled = [];"
        + " addEventListener('unhandledrejection', e => fgbgUnhandled.push(String(e.reason)));");
    ui.browser.call("Page.addScriptToEvaluateOnNewDocument", script);
    try (UiTestServer server = server(0)) {
      assertEquals("ready", ui.browser.open(server.url + "/grid?dataset=builtin&per_page=240"));
    }
    // The server is gone: the masks further down fail to load as they scroll near.
    JsonObject r = ui.browser.eval("(async () => { const cs = [...document.querySelectorAll("
        + "'canvas.mask')]; const undrawn = cs.filter(c => c.width === 300).length;"
        + " scrollTo(0, document.body.scrollHeight);"
        + " await new Promise(f => requestAnimationFrame(() => requestAnimationFrame(f)));"
        + " const s = await Promise.allSettled(cs.map(c => c.draw()));"
        + " await new Promise(f => setTimeout(f));"
        + " const bad = s.filter(x => x.status === 'rejected');"
        + " return { undrawn, rejected: bad.length, first: String(bad[0]?.reason),"
        + " unhandled: fgbgUnhandled }; })()").getAsJsonObject();
    assertTrue(r.get("undrawn").getAsInt() > 0, r.toString());
    assertEquals(0, r.get("rejected").getAsInt(), r.toString());
    assertEquals(0, r.getAsJsonArray("unhandled").size(), r.toString());
  }

  @Test
  void aStatsRunCutByTheServersStopLosesItsEta() throws Exception {
    UiTestServer server = server(0);
    CountDownLatch release = new CountDownLatch(1);
    try {
      // Every render worker held: the run shows its first progress line (with its ETA), then
      // waits for a worker until the server stops.
      server.holdWorkers(WORKERS, release, 60); // the stop's shutdownNow lets them go
      JsonObject go = new JsonObject();
      go.addProperty("url", server.url + "/stats?dataset=builtin&run=1");
      ui.browser.call("Page.navigate", go);
      String line = text("new Promise(r => { const t = () => { if (window.fgbgProgress"
          + " && fgbgProgress.length) r(document.getElementById('progress-text').textContent);"
          + " else setTimeout(t, 50); }; t(); })");
      assertTrue(line.contains("ETA"), line);
    } finally {
      server.close();
      release.countDown();
    }
    assertEquals("failed", ui.browser.awaitShown());
    // The stop's words, as a gRPC Stats call gets them, not a connection lost.
    assertEquals("the server is shutting down and its --shutdown-grace ran out with this Stats"
        + " run running; run it again once the server is back",
        text("document.querySelector('#results .error').textContent"));
    assertEquals("stopped at 0 / 480 samples", text("document.getElementById('progress-text')"
        + ".textContent"));
    assertTrue(ui.browser.eval("document.getElementById('progress').classList"
        + ".contains('stopped')").getAsBoolean());
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("stats-stopped.png"));
  }
}
