package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grid, Sample and Datasets pages while their data cannot be fetched (the browser's requests
 * to {@code /api/} blocked: no answer at all, as from a stopped server), in a real headless
 * Chromium against a real server: each says so in the Live page's words, not "Failed to fetch",
 * and shows itself by itself once the requests get through again.
 */
class WebUiUnreachableTest {
  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(1200, 800);

  private static void block(String... patterns) {
    ui.browser.call("Network.enable", new JsonObject());
    JsonObject p = new JsonObject();
    JsonArray urls = new JsonArray();
    for (String u : patterns) {
      urls.add(u);
    }
    p.add("urls", urls);
    ui.browser.call("Network.setBlockedURLs", p);
  }

  @Test
  void aPageSaysTheServerCannotBeReachedAndShowsItselfOnceItCan() {
    for (String path : new String[] {"/grid?dataset=builtin&per_page=6",
        "/sample?dataset=builtin&index=7", "/"}) {
      block("*/api/*");
      JsonObject go = new JsonObject();
      go.addProperty("url", ui.server.url + path);
      ui.browser.call("Page.navigate", go);
      String notice = ui.browser.eval("new Promise(r => { const t = () => { const n ="
          + " document.getElementById('unreachable'); if (n) r(n.textContent);"
          + " else setTimeout(t, 50); }; t(); })").getAsString();
      assertEquals("the server cannot be reached; retrying every second…", notice, path);
      block();
      assertEquals("ready", ui.browser.awaitShown(), path);
      assertEquals(0, ui.browser.eval("document.querySelectorAll('#unreachable, .error')"
          + ".length").getAsInt(), path + ": the notice is gone");
    }
  }
}
