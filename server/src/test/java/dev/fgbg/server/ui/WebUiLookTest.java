package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a person reads on the UI's pages, in a real headless Chromium on a desktop screen against
 * a real server: Stats figures at a readable precision and histograms with axes, refusals as a
 * page of the UI (header, navigation, the problem, a way back) under their HTTP status, and the
 * grid's form on one grid of equal boxes. Screenshots go to {@code target/ui-screenshots/}.
 */
class WebUiLookTest {
  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(1400, 1000);

  private static String eval(String expression) {
    return ui.browser.eval(expression).getAsString();
  }

  /** {@code v} to {@code digits} significant digits, trailing zeros kept: 0.4727, 0.0040. */
  private static String sig(double v, int digits) {
    return new BigDecimal(v).round(new MathContext(digits)).toPlainString();
  }

  @Test
  void statsFiguresAreRoundedAndEachHistogramHasItsAxes() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/stats?dataset=builtin&seed=5&stride=2"
        + "&sample=60&run=1"));
    JsonObject r = ui.browser.eval("window.fgbgStats").getAsJsonObject();
    JsonObject image = r.getAsJsonObject("image");
    String[] channels = {"image R", "image G", "image B"};
    for (int c = 0; c < 3; c++) {
      double mean = image.getAsJsonArray("mean").get(c).getAsDouble();
      double se = image.getAsJsonArray("se").get(c).getAsDouble();
      String row = "#moments tr[data-channel='" + channels[c] + "']";
      assertEquals(sig(mean, 4), eval("document.querySelector(\"" + row + " td.mean\")"
          + ".textContent"), channels[c] + " mean " + mean);
      assertEquals(mean, Double.parseDouble(eval("document.querySelector(\"" + row
          + " td.mean\").title")), 0.0, "every digit in the title");
      assertEquals("± " + sig(se, 2), eval("document.querySelector(\"" + row + " td.se\")"
          + ".textContent"));
    }
    // The line to copy into a training script has the CLI's six decimals (StatsCommand).
    assertEquals(String.format(Locale.ROOT, "transforms.Normalize(mean=[%.6f, %.6f, %.6f], "
        + "std=[%.6f, %.6f, %.6f])", figure(image, "mean", 0), figure(image, "mean", 1),
        figure(image, "mean", 2), figure(image, "std", 0), figure(image, "std", 1),
        figure(image, "std", 2)), eval("document.querySelector('.normalize').textContent"));
    double depthStd = r.getAsJsonObject("depth").get("std").getAsDouble();
    assertEquals(sig(depthStd, 4), eval("document.querySelector(\"#moments"
        + " tr[data-channel='depth'] td.std\").textContent"));

    // Three histograms, each with its value range under it and its count scale beside it.
    assertEquals(3, ui.browser.eval("document.querySelectorAll('figure.histogram').length")
        .getAsInt());
    JsonArray axes = ui.browser.eval("[...document.querySelectorAll('figure.histogram')].map(f =>"
        + " ({ lo: f.querySelector('.x-lo').textContent, hi: f.querySelector('.x-hi')"
        + ".textContent, max: f.querySelector('.y-max').textContent, bottom: f.querySelector("
        + "'.y-axis .tick').textContent, x: f.querySelector('.x-title').textContent,"
        + " y: f.querySelector('.y-title').textContent, label: f.querySelector('canvas')"
        + ".getAttribute('aria-label') }))").getAsJsonArray();
    for (int h = 0; h < 2; h++) { // image channels, mask: one bin per byte value
      JsonObject a = axes.get(h).getAsJsonObject();
      assertEquals("0", a.get("lo").getAsString(), a.toString());
      assertEquals("255", a.get("hi").getAsString(), a.toString());
      assertEquals("0", a.get("bottom").getAsString(), a.toString());
      assertTrue(a.get("x").getAsString().contains("0–255"), a.toString());
      assertTrue(a.get("y").getAsString().equals("pixels per value (log scale)"), a.toString());
    }
    long most = 0;
    for (JsonElement e : r.getAsJsonObject("mask").getAsJsonArray("histogram").get(0)
        .getAsJsonArray()) {
      most = Math.max(most, e.getAsLong());
    }
    assertEquals(eval("new Intl.NumberFormat('en-US', { notation: 'compact',"
        + " maximumSignificantDigits: 3 }).format(" + most + ")"),
        axes.get(1).getAsJsonObject().get("max").getAsString(), "the mask's tallest bin");
    assertTrue(axes.get(1).getAsJsonObject().get("label").getAsString().contains(
        String.format("0 to %,d", most)), axes.get(1).toString());
    JsonObject depth = axes.get(2).getAsJsonObject();
    JsonArray edges = r.getAsJsonObject("depth").getAsJsonArray("edges");
    double far = edges.get(edges.size() - 1).getAsDouble();
    assertEquals(eval("(" + far + ").toLocaleString('en-US', { maximumFractionDigits: "
        + (far < 10 ? 2 : 1) + " }) + ' m'"), depth.get("hi").getAsString(), depth.toString());
    assertTrue(depth.get("x").getAsString().startsWith("depth, metres, 64 bins of "),
        depth.toString());
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("stats-axes.png"));
  }

  @Test
  void refusalsArePagesOfTheUiNamingTheProblemUnderTheirStatus() throws Exception {
    String[][] cases = {
        // path, status, heading, what the message names, the way back (keeping a dataset
        // that is there)
        {"/sample?dataset=builtin&index=480", "400", "Bad request",
            "parameter 'index' must be in [0, 479], got 480", "/grid?dataset=builtin"},
        {"/grid?dataset=nope", "400", "Bad request", "unknown dataset 'nope'", "/grid"},
        {"/stats?dataset=builtin&bins=zero", "400", "Bad request", "parameter 'bins'",
            "/stats?dataset=builtin"},
        {"/nothing/here", "404", "Not found", "no page at '/nothing/here'", null},
        {"/img/composite.png?index=1", "400", "Bad request", "parameter 'fingerprint' is"
            + " required", "/grid"},
    };
    for (String[] c : cases) {
      assertEquals("failed", ui.browser.open(ui.server.url + c[0]), c[0]);
      assertEquals(Integer.parseInt(c[1]), ui.browser.eval("performance.getEntriesByType("
          + "'navigation')[0].responseStatus").getAsInt(), c[0]);
      assertEquals(Integer.parseInt(c[1]), ui.server.get(c[0]).statusCode(), c[0]);
      assertEquals("Datasets,Grid,Stats,Live server", eval("[...document.querySelectorAll("
          + "'header.bar nav a')].map(a => a.textContent).join()"), c[0] + ": the UI's header");
      assertEquals(c[2] + " " + c[1], eval("document.querySelector('main h1').textContent"),
          c[0]);
      assertEquals(c[2] + " (" + c[1] + ") · fgbg", eval("document.title"), c[0]);
      String message = eval("document.querySelector('.failure .message').textContent");
      assertTrue(message.contains(c[3]), c[0] + ": " + message);
      String links = eval("[...document.querySelectorAll('.failure .back a')].map(a =>"
          + " a.getAttribute('href')).join()");
      assertEquals(c[4] == null ? "/" : c[4] + ",/", links, c[0] + ": the links back");
    }
    // An image the page itself asks for stays an image's refusal: text, not a page.
    assertEquals("text/plain; charset=utf-8", ui.server.get("/img/composite.png?index=1",
        "Accept", "image/avif,image/webp,*/*").headers().firstValue("Content-Type")
        .orElseThrow());
    ui.browser.open(ui.server.url + "/grid?dataset=nope");
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("refused.png"));
  }

  @Test
  void theGridsFormLinesUpItsBoxes() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/grid?dataset=builtin&per_page=12"));
    // Every text box and list of the form: one height, and those of a row on one line.
    JsonArray boxes = ui.browser.eval("[...document.querySelectorAll('#controls input:not("
        + "[type=checkbox]):not([type=hidden]), #controls select')].map(e => { const b ="
        + " e.getBoundingClientRect(); return [Math.round(b.top), Math.round(b.height),"
        + " Math.round(b.width)]; })").getAsJsonArray();
    assertEquals(17, boxes.size());
    int height = boxes.get(0).getAsJsonArray().get(1).getAsInt();
    int width = boxes.get(0).getAsJsonArray().get(2).getAsInt();
    for (JsonElement b : boxes) {
      assertEquals(height, b.getAsJsonArray().get(1).getAsInt(), "one height: " + boxes);
      assertTrue(Math.abs(width - b.getAsJsonArray().get(2).getAsInt()) <= 16,
          "about one width: " + boxes);
    }
    // dataset, seed, order, per page, page and view on one row
    for (int i = 1; i < 6; i++) {
      assertEquals(boxes.get(0).getAsJsonArray().get(0).getAsInt(), boxes.get(i)
          .getAsJsonArray().get(0).getAsInt(), "the first row: " + boxes);
    }
    // The two orders' fieldsets share a row on a desktop.
    assertEquals(eval("String(document.querySelector('fieldset.shuffle').getBoundingClientRect()"
        + ".top)"), eval("String(document.querySelector('fieldset.epoch')"
        + ".getBoundingClientRect().top)"));
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("grid-form.png"));
  }

  private static double figure(JsonObject moments, String name, int channel) {
    return moments.getAsJsonArray(name).get(channel).getAsDouble();
  }
}
