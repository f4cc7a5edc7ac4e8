package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Stats form in a real headless Chromium against a real server: with no output chosen it
 * says so rather than run all three (no 'outputs' reads as all of them).
 */
class WebUiStatsFormTest {
  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(1200, 800);

  @Test
  void noOutputChosenIsSaidNotRunAsAll() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/stats?dataset=builtin"));
    String note = ui.browser.eval("(() => { const f = document.getElementById('controls');"
        + " f.querySelectorAll('[data-output]').forEach(c => { c.checked = false; });"
        + " f.dispatchEvent(new Event('change')); f.requestSubmit();"
        + " const n = document.getElementById('outputs-note');"
        + " return n && !n.hidden ? n.textContent : 'no note'; })()").getAsString();
    assertEquals("choose at least one output", note);
    assertEquals("?dataset=builtin", ui.browser.eval("location.search").getAsString(),
        "no run started");
    // One chosen again: the note goes.
    assertEquals(true, ui.browser.eval("(() => { const c = document.querySelector("
        + "'[data-output=mask]'); c.checked = true; c.dispatchEvent(new Event('change',"
        + " { bubbles: true })); return document.getElementById('outputs-note').hidden; })()")
        .getAsBoolean());
  }
}
