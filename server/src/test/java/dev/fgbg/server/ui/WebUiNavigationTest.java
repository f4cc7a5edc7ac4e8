package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Moving about the UI in a real headless Chromium against a real server: the Sample page's
 * jump box and arrow keys and its own entry in the navigation, the Grid form's page field (both
 * refusing in the words a URL gets), an empty grid's words, and a slow grid page saying why.
 */
class WebUiNavigationTest {
  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(1400, 1000);

  private static String eval(String expression) {
    return ui.browser.eval(expression).getAsString();
  }

  /** What the server's API answers {@code path} with: its refusal's words. */
  private static String refusal(String path) throws Exception {
    var r = ui.server.get(path);
    assertEquals(400, r.statusCode(), r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString();
  }

  /** Runs {@code script} (which navigates) and waits until the page it opens is shown. */
  private static String navigating(String script) {
    CompletableFuture<JsonObject> loaded = ui.browser.next("Page.loadEventFired");
    ui.browser.eval(script);
    loaded.orTimeout(120, TimeUnit.SECONDS).join();
    return ui.browser.awaitShown();
  }

  private static String where() {
    return eval("location.pathname + location.search");
  }

  /** Types {@code text} in the field {@code input} and submits its form; the refusal shown. */
  private static String submit(String input, String text, String said) {
    return eval("(() => { const i = document.querySelector('" + input + "'); i.value = '" + text
        + "'; i.form.requestSubmit(); const s = document.getElementById('" + said + "');"
        + " return s.hidden ? '' : s.textContent; })()");
  }

  /** A keydown of {@code key} sent to {@code target}: whether the page took it. */
  private static boolean key(String target, String key) {
    return ui.browser.eval("(() => { const e = new KeyboardEvent('keydown', { key: '" + key
        + "', bubbles: true, cancelable: true }); " + target + ".dispatchEvent(e);"
        + " return e.defaultPrevented; })()").getAsBoolean();
  }

  @Test
  void theSamplePageHasItsOwnNavigationEntryAJumpBoxAndArrowKeys() throws Exception {
    assertEquals("ready", ui.browser.open(ui.server.url + "/sample?dataset=builtin&index=7"));
    assertEquals("sample", eval("[...document.querySelectorAll('header.bar nav a.active')]"
        + ".map(a => a.dataset.nav).join()"));
    for (String typed : new String[] {"480", "-1", "x"}) {
      assertEquals(refusal("/api/sample?dataset=builtin&index=" + typed),
          submit("#jump input[name=index]", typed, "jump-refusal"), typed);
    }
    assertEquals("/sample?dataset=builtin&index=7", where(), "a refusal stays on the page");
    assertFalse(key("document.querySelector('#jump input')", "ArrowRight"),
        "the keys are the field's while it has the focus");
    assertEquals("ready", navigating("document.querySelector('#jump input').value = '12';"
        + " document.querySelector('#jump').requestSubmit()"));
    assertEquals("/sample?dataset=builtin&seed=0&index=12", where());
    assertEquals("ready", navigating("document.body.dispatchEvent(new KeyboardEvent('keydown',"
        + " { key: 'ArrowRight', bubbles: true, cancelable: true }))"));
    assertEquals("/sample?dataset=builtin&seed=0&index=13", where());
    assertEquals("ready", navigating("document.body.dispatchEvent(new KeyboardEvent('keydown',"
        + " { key: 'ArrowLeft', bubbles: true, cancelable: true }))"));
    assertEquals("/sample?dataset=builtin&seed=0&index=12", where());
    assertEquals("ready", ui.browser.open(ui.server.url + "/sample?dataset=builtin&index=0"));
    assertFalse(key("document.body", "ArrowLeft"), "no index before 0");
    assertTrue(key("document.body", "ArrowRight"));
  }

  @Test
  void theGridFormsPageFieldRefusesInTheUrlsWords() throws Exception {
    assertEquals("ready", ui.browser.open(ui.server.url + "/grid?dataset=builtin"));
    assertEquals("grid", eval("document.querySelector('header.bar nav a.active').dataset.nav"));
    for (String typed : new String[] {"9", "0", "x"}) {
      assertEquals(refusal("/api/grid?dataset=builtin&page=" + typed),
          submit("#controls input[name=page]", typed, "page-refusal"), typed);
    }
    assertEquals("/grid?dataset=builtin", where());
    assertEquals("ready", navigating("const p = document.querySelector('#controls"
        + " input[name=page]'); p.value = '3'; p.form.requestSubmit()"));
    assertEquals("page 3 of 8 · 121–180 of 480 samples", eval(
        "document.querySelector('.pager .where').textContent"));
  }

  @Test
  void anEmptyGridSaysNoSamples() {
    // Background 0 is an office: none of its samples is of a living room.
    assertEquals("ready", ui.browser.open(ui.server.url
        + "/grid?dataset=builtin&bg=0&bg_label=living_room"), () -> eval(
            "document.querySelector('.error:not([hidden])').textContent"));
    assertEquals("page 1 of 1 · no samples",
        eval("document.querySelector('.pager .where').textContent"));
  }

  @Test
  void aSlowGridPageSaysWhatItIsWaitingFor() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try {
      ui.server.holdWorkers(2, release, 30);
      CompletableFuture<JsonObject> loaded = ui.browser.next("Page.loadEventFired");
      ui.browser.call("Page.navigate", url("/grid?dataset=builtin&seed=424242&per_page=12"));
      loaded.orTimeout(120, TimeUnit.SECONDS).join();
      String said = eval("new Promise(r => { const l = document.getElementById('loading');"
          + " const done = () => l.textContent.startsWith('rendering') && r(l.textContent);"
          + " if (!done()) new MutationObserver(done).observe(l, { childList: true,"
          + " characterData: true, subtree: true }); })");
      assertEquals("rendering this page's 12 samples (those not rendered before)…", said);
    } finally {
      release.countDown();
    }
    assertEquals("ready", ui.browser.awaitShown());
  }

  private static JsonObject url(String path) {
    JsonObject o = new JsonObject();
    o.addProperty("url", ui.server.url + path);
    return o;
  }
}
