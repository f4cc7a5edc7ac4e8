package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fgbg.core.load.MemoryBudget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grid page coming back, in a real headless Chromium against a real server: after a 503
 * (every grid page slot taken) it keeps its form and asks again by itself, saying so; and a
 * reload comes back to where the page was scrolled, once its tiles are laid out.
 */
class WebUiGridReturnTest {
  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(1400, 1000);

  private static JsonObject gridPages() throws Exception {
    HttpResponse<String> r = ui.server.get("/api/live");
    assertEquals(200, r.statusCode(), r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("grid_pages");
  }

  @Test
  void aBusyServersGridPageKeepsItsFormAndIsAskedAgainByItself() throws Exception {
    // The whole budget held: the admitted pages wait for their first piece, so this host's
    // share of the grid pages' slots (half: the browser is the same client) stays taken until
    // it is released.
    MemoryBudget budget = ui.server.app.server().budget();
    assertTrue(budget.tryAcquire(budget.capacity()), "the budget was idle");
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    try {
      int share = (GridPage.AT_ONCE + GridPage.QUEUED) / 2;
      for (int k = 0; k < share; k++) {
        held.add(http.sendAsync(HttpRequest.newBuilder(URI.create(ui.server.url
            + "/api/grid?per_page=1&seed=" + k)).timeout(Duration.ofSeconds(60))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      // Small pages: they hold their slots while the budget is held, and end at once after.
      long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < until
          && gridPages().get("queued").getAsInt() < share - GridPage.AT_ONCE) {
        Thread.sleep(20); // nothing to wait on but the requests' arrival
      }
      assertEquals(share - GridPage.AT_ONCE, gridPages().get("queued").getAsInt());
      CompletableFuture<JsonObject> loaded = ui.browser.next("Page.loadEventFired");
      JsonObject go = new JsonObject();
      go.addProperty("url", ui.server.url + "/grid?dataset=builtin&per_page=6&seed=77");
      ui.browser.call("Page.navigate", go);
      loaded.get(120, TimeUnit.SECONDS);
      String notice = ui.browser.eval("new Promise(r => { const t = () => { const n ="
          + " document.getElementById('grid-busy'); if (n) r(n.textContent); else"
          + " setTimeout(t, 50); }; t(); })").getAsString();
      assertTrue(notice.matches("client 127.0.0.1 has 4 web UI grid pages.* — trying again by"
          + " itself in \\d+ s \\(try \\d of 5\\)"), notice);
      assertEquals("builtin", ui.browser.eval("document.querySelector('#controls"
          + " select[name=dataset]').value").getAsString(), "the form is kept");
    } finally {
      budget.release(budget.capacity());
    }
    for (CompletableFuture<HttpResponse<String>> f : held) {
      assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
    }
    assertEquals("ready", ui.browser.awaitShown());
    assertEquals(6, ui.browser.eval("document.querySelectorAll('#tiles .tile').length")
        .getAsInt());
    assertEquals(0, ui.browser.eval("document.querySelectorAll('#grid-busy, .error').length")
        .getAsInt());
  }

  @Test
  void aReloadComesBackToWhereTheGridWasScrolled() {
    String url = ui.server.url + "/grid?dataset=builtin&per_page=240&seed=3";
    assertEquals("ready", ui.browser.open(url));
    int y = ui.browser.eval("new Promise(r => { scrollTo(0, 2000);"
        + " requestAnimationFrame(() => r(scrollY)); })").getAsInt();
    assertEquals(2000, y);
    CompletableFuture<JsonObject> loaded = ui.browser.next("Page.loadEventFired");
    ui.browser.call("Page.reload", new JsonObject());
    loaded.orTimeout(120, TimeUnit.SECONDS).join();
    assertEquals("ready", ui.browser.awaitShown());
    assertEquals(y, ui.browser.eval("scrollY").getAsInt(), "scrolled back after a reload");
    // A new visit of the same page starts at its top.
    assertEquals("ready", ui.browser.open(url));
    assertEquals(0, ui.browser.eval("scrollY").getAsInt());
  }
}
