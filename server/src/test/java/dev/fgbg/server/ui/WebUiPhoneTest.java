package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The UI on a phone's screen (390×844, as a mobile browser lays it out) in a real headless
 * Chromium against a real server: no page wider than the screen, the grid's placeholder in place
 * before its tiles, thumbnails that load as they come near, and titles that say what a tab
 * shows. Screenshots go to {@code target/ui-screenshots/phone-*.png}.
 */
class WebUiPhoneTest {
  private static final int WIDTH = 390;
  private static final int HEIGHT = 844;

  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(WIDTH, HEIGHT);

  @BeforeAll
  static void start() {
    JsonObject metrics = new JsonObject();
    metrics.addProperty("width", WIDTH);
    metrics.addProperty("height", HEIGHT);
    metrics.addProperty("deviceScaleFactor", 1);
    metrics.addProperty("mobile", true);
    ui.browser.call("Emulation.setDeviceMetricsOverride", metrics);
  }

  private static String eval(String expression) {
    return ui.browser.eval(expression).getAsString();
  }

  @Test
  void noPageIsWiderThanAPhonesScreen() {
    List<String[]> pages = List.of(
        new String[] {"datasets", "/"},
        new String[] {"grid", "/grid?dataset=builtin"},
        new String[] {"grid-depth", "/grid?dataset=builtin&view=depth&page=3"},
        new String[] {"sample", "/sample?dataset=builtin&index=7"},
        new String[] {"stats", "/stats?dataset=builtin&sample=60&run=1"},
        new String[] {"live", "/live"});
    for (String[] p : pages) {
      assertEquals("ready", ui.browser.open(ui.server.url + p[1]), p[1]);
      int wide = ui.browser.eval("document.documentElement.scrollWidth").getAsInt();
      assertTrue(wide <= WIDTH + 1, p[1] + " is " + wide + " px wide on a " + WIDTH
          + " px screen");
      // A mobile layout widens the viewport to fit what overflows: this is the screen's width.
      assertEquals(WIDTH, ui.browser.eval("innerWidth").getAsInt(), p[1] + " layout width");
      ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("phone-" + p[0] + ".png"));
    }
    // The Live page's idle cards keep to whole rows: two to a row here.
    assertEquals("true", eval("String(new Set([...document.querySelectorAll('.card')].map(c =>"
        + " c.getBoundingClientRect().left)).size === 2)"));
  }

  @Test
  void theGridShowsItsPlaceholderBeforeItsTilesAndFoldsItsForm() {
    // Records, from the document's start, what the page held each time it changed.
    String watch = "window.fgbgSeen = []; new MutationObserver(() => { const s ="
        + " (document.getElementById('loading') ? 'loading' : '')"
        + " + (document.querySelector('.tile') ? 'tiles' : '');"
        + " if (s && window.fgbgSeen[window.fgbgSeen.length - 1] !== s) window.fgbgSeen.push(s);"
        + " }).observe(document, { childList: true, subtree: true });";
    JsonObject add = new JsonObject();
    add.addProperty("source", watch);
    String id = ui.browser.call("Page.addScriptToEvaluateOnNewDocument", add).get("identifier")
        .getAsString();
    try {
      assertEquals("ready", ui.browser.open(ui.server.url + "/grid?dataset=builtin&per_page=24"));
    } finally {
      JsonObject remove = new JsonObject();
      remove.addProperty("identifier", id);
      ui.browser.call("Page.removeScriptToEvaluateOnNewDocument", remove);
    }
    assertEquals("[\"loading\",\"tiles\"]", ui.browser.eval("window.fgbgSeen").toString(),
        "'Loading…' shows until the tiles replace it");
    assertFalse(ui.browser.eval("document.querySelector('details.controls-box').open")
        .getAsBoolean(), "on a phone the grid's form starts folded");
    assertEquals("Grid", eval("document.querySelector('h1').firstChild.textContent.trim()"));
  }

  @Test
  void thumbnailsLoadAsTheyComeNearTheScreen() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/grid?dataset=builtin&per_page=240"));
    assertEquals("true", eval("String([...document.querySelectorAll('.tile img')].every(i =>"
        + " i.loading === 'lazy' && i.getAttribute('width') === '" + UiTestServer.WIDTH + "'"
        + " && i.getAttribute('height') === '" + UiTestServer.HEIGHT + "'))"));
    int fetched = ui.browser.eval("performance.getEntriesByType('resource').filter(e =>"
        + " e.name.includes('/img/')).length").getAsInt();
    // 240 composites and 240 masks at once was the page before: now the first screens only.
    assertTrue(fetched > 0 && fetched < 240, fetched + " images fetched for the first screen");
    ui.browser.eval("new Promise(r => { scrollTo(0, document.documentElement.scrollHeight);"
        + " setTimeout(r, 500); })");
    assertTrue(ui.browser.eval("document.querySelector('.tile:last-child img.composite')"
        + ".decode().then(() => true)").getAsBoolean(),
        "the last tile loads once scrolled to");
  }

  @Test
  void titlesSayWhatThePageShows() {
    ui.browser.open(ui.server.url + "/sample?dataset=builtin&index=7");
    assertEquals("Sample 7 · builtin · fgbg", eval("document.title"));
    // Not "Sample 7 of 480", which read as the 7th of 480.
    assertEquals("Sample 7 (indices 0–479) in builtin", eval("document.querySelector('h1')"
        + ".textContent"));
    assertEquals("0 " + ui.server.app.datasets().get(0).assets().backgroundLabels().get(0),
        eval("[...document.querySelectorAll('#meta tr')].find(r => r.children[0].textContent"
            + " === 'bg_label').children[1].textContent"),
        "the label id with its name");
    ui.browser.open(ui.server.url + "/grid?dataset=builtin&page=3");
    assertEquals("Grid p. 3 · builtin · fgbg", eval("document.title"));
    ui.browser.open(ui.server.url + "/grid?dataset=builtin");
    assertEquals("Grid p. 1 · builtin · fgbg", eval("document.title"));
    // On the first page the steps back are off: no link, aria-disabled, shown faded.
    assertEquals("true|null|0.45", eval("(() => { const a = document.querySelector('.pager"
        + " .prev'); return [a.getAttribute('aria-disabled'), String(a.getAttribute('href')),"
        + " getComputedStyle(a).opacity].join('|'); })()"));
    ui.browser.open(ui.server.url + "/stats?dataset=builtin");
    assertEquals("Stats · builtin · fgbg", eval("document.title"));
  }

  @Test
  void theGridsFormUnfoldsTwoBoxesToARowWithinTheScreen() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/grid?dataset=builtin&per_page=6"));
    ui.browser.eval("document.querySelector('details.controls-box').open = true");
    assertTrue(ui.browser.eval("document.documentElement.scrollWidth").getAsInt() <= WIDTH,
        "the open form fits the screen");
    // Every box of the form at one height, two to a row, none past the form's edge.
    String boxes = "[...document.querySelectorAll('#controls input:not([type=checkbox]):not("
        + "[type=hidden]), #controls select')].map(e => e.getBoundingClientRect())";
    assertEquals("true", eval("String(new Set(" + boxes + ".map(b => Math.round(b.height)))"
        + ".size === 1)"), "one height");
    assertEquals(2, ui.browser.eval("new Set(" + boxes
        + ".slice(0, 5).map(b => Math.round(b.left))).size").getAsInt(),
        "dataset, seed, order, per page, view: two to a row");
    int right = ui.browser.eval("Math.round(document.querySelector('#controls')"
        + ".getBoundingClientRect().right)").getAsInt();
    assertTrue(ui.browser.eval("Math.max(..." + boxes + ".map(b => Math.round(b.right)))")
        .getAsInt() <= right, "no box past the form's edge");
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("phone-grid-form.png"), true);
  }
}
