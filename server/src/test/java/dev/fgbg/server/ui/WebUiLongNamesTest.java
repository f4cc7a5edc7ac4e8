package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fgbg.core.Fixtures;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long names (labels, file names, an export's destination) on the UI's pages, in a real headless
 * Chromium on a desktop screen and a phone's, against a real server serving a folder dataset
 * whose labels and files have long names without spaces: each wraps (or is cut with its whole
 * text on hover) inside its panel, and no page is wider than the screen.
 */
class WebUiLongNamesTest {
  static final String BG_LABEL = "a_really_really_long_background_label_name_that_goes_on_and_on"
      + "_forever_and_ever";
  static final String FG_LABEL = "supercalifragilisticexpialidocious_extraordinarily_long_cutout"
      + "_label";
  static final String BG_FILE = "photo_0_with_a_rather_long_file_name_äöü_that_keeps_going.jpg";
  private static final int WIDTH = 1280;

  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.browserOnly(WIDTH, 900);

  private static final String DATASET =
      "long_named_photos_of_the_office_kitchen_and_the_street_outside";
  private static Path dir;
  private static UiTestServer server;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("fgbg-ui-long");
    Fixtures.write(Fixtures.rgb(64, 48, 1), dir.resolve("bg/" + BG_LABEL + "/" + BG_FILE));
    Fixtures.write(Fixtures.rgb(40, 40, 2), dir.resolve("bg/indoor/b.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), dir.resolve("fg/" + FG_LABEL + "/cut_0.png"));
    Fixtures.write(Fixtures.disc(16, 24, 0x30FF30), dir.resolve("fg/ball/y.png"));
    FolderDatasetConfig config = FolderDatasetConfig.newBuilder()
        .setName(DATASET)
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
        .setSize("32").build();
    server = UiTestServer.start(dir.resolve("exports"), ConnectOptions.builder().build(),
        List.of(config));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static String added;

  @AfterEach
  void desktop() {
    ui.browser.call("Emulation.clearDeviceMetricsOverride", new JsonObject());
    if (added != null) {
      JsonObject o = new JsonObject();
      o.addProperty("identifier", added);
      ui.browser.call("Page.removeScriptToEvaluateOnNewDocument", o);
      added = null;
    }
  }

  /** Runs {@code source} in every page opened from now on, before the page's own scripts. */
  private static void beforeEachPage(String source) {
    JsonObject o = new JsonObject();
    o.addProperty("source", source);
    added = ui.browser.call("Page.addScriptToEvaluateOnNewDocument", o).get("identifier")
        .getAsString();
  }

  private static int px(String expression) {
    return ui.browser.eval("Math.round(" + expression + ")").getAsInt();
  }

  /** Whether {@code inner}'s right edge is within {@code outer}'s (its first match each). */
  private static void within(String inner, String outer, String what) {
    int right = px("document.querySelector(\"" + inner + "\").getBoundingClientRect().right");
    int edge = px("document.querySelector(\"" + outer + "\").getBoundingClientRect().right");
    assertTrue(right <= edge, what + ": its right edge at " + right + " px, past " + edge);
  }

  private static void phone() {
    JsonObject metrics = new JsonObject();
    metrics.addProperty("width", 390);
    metrics.addProperty("height", 844);
    metrics.addProperty("deviceScaleFactor", 1);
    metrics.addProperty("mobile", true);
    ui.browser.call("Emulation.setDeviceMetricsOverride", metrics);
  }

  private static void noWiderThan(int width, String what) {
    int wide = px("document.documentElement.scrollWidth");
    assertTrue(wide <= width, what + " is " + wide + " px wide on a " + width + " px screen");
  }

  @Test
  void anExportsProgressStaysBesideItsLongDestination() {
    // The page as it shows an export to a long destination: /api/live's answer with one added.
    String destination = "ui4 exp/очень_длинное_имя_папки_для_экспорта_with_a_very_long"
        + "_destination_name";
    beforeEachPage("const f = window.fetch;"
        + " window.fetch = async (...a) => { const r = await f(...a);"
        + " if (!String(a[0]).startsWith('/api/live')) return r; const j = await r.json();"
        + " (j.metrics.fgbg_export_progress_ratio ||= []).push({ labels: { destination: '"
        + destination + "' }, value: 0.42 });"
        + " return new Response(JSON.stringify(j), { status: 200 }); };");
    assertEquals("ready", ui.browser.open(server.url + "/live"));
    assertEquals(destination, ui.browser.eval("document.querySelector('#exports td')"
        + ".textContent").getAsString());
    within("#exports .meter", "#exports .scroll", "the progress bar");
    within("#exports td:last-child", "#exports .scroll", "the percentage");
    assertTrue(px("document.querySelector('#exports .meter').getBoundingClientRect().width")
        >= 60, "the progress bar has room");
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("long-live-exports.png"));
  }

  @Test
  void theDatasetsPageWrapsLongLabelsAndNamesInTheirColumn() {
    assertEquals("ready", ui.browser.open(server.url + "/"));
    String card = "section.dataset[data-name^=long_named]";
    // Every chip ends within its column, left of the Spec column beside it.
    int spec = px("document.querySelector('" + card + " .panels > div:last-child')"
        + ".getBoundingClientRect().left");
    int chips = px("Math.max(...[...document.querySelectorAll('" + card + " .chip')].map(c =>"
        + " c.getBoundingClientRect().right))");
    assertTrue(chips <= spec, "a chip ends at " + chips + " px, over the Spec column at " + spec);
    ui.browser.eval("document.querySelectorAll('" + card + " details').forEach(d => d.open ="
        + " true)");
    noWiderThan(WIDTH, "the Datasets page with its names open");
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("long-datasets.png"));
    phone();
    assertEquals("ready", ui.browser.open(server.url + "/"));
    noWiderThan(390, "the Datasets page");
    ui.browser.eval("document.querySelectorAll('details').forEach(d => d.open = true)");
    noWiderThan(390, "the Datasets page with its names open");
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("long-datasets-phone.png"));
  }

  /** The first sample drawn on the long-named background with the long-named cut-out. */
  private static long longLabelled() throws IOException, InterruptedException {
    String body = server.get("/api/grid?dataset=" + DATASET + "&bg_label=" + BG_LABEL
        + "&fg_label=" + FG_LABEL + "&per_page=1").body();
    return JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("samples").get(0)
        .getAsJsonObject().get("index").getAsLong();
  }

  @Test
  void theSamplesIndexTableWrapsItsPathsAndLabelsWithinItsPanel() throws Exception {
    assertEquals("ready", ui.browser.open(server.url + "/sample?dataset=" + DATASET + "&index="
        + longLabelled()));
    assertEquals(BG_LABEL, ui.browser.eval("document.querySelector('#factors"
        + " tr[data-factor=bg] td:last-child').textContent").getAsString());
    // Nothing cut off at the panel's edge: the table fits its box, and its 'what' column has
    // room for more than a few letters a line.
    assertTrue(px("document.querySelector('#factors').scrollWidth")
        <= px("document.querySelector('#factors').parentElement.clientWidth"),
        "the Index table is wider than its panel");
    int what = px("document.querySelector('#factors tr[data-factor=bg] td.asset')"
        + ".getBoundingClientRect().width");
    assertTrue(what >= 150, "'what' is " + what + " px wide");
    // The downloads, named after the long dataset, wrap inside their panel too.
    assertTrue(ui.browser.eval("[...document.querySelectorAll('#downloads a')].every(a =>"
        + " a.getBoundingClientRect().right <= a.closest('.panel').getBoundingClientRect()"
        + ".right)").getAsBoolean(), "a download's name runs past its panel");
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("long-sample.png"));
  }

  @Test
  void aGridTileShowsEachLabelOnALineOfItsOwnAndBothWholeOnHover() throws Exception {
    assertEquals("ready", ui.browser.open(server.url + "/grid?dataset=" + DATASET + "&bg_label="
        + BG_LABEL + "&fg_label=" + FG_LABEL + "&per_page=4"));
    String labels = "document.querySelector('.tile .caption .labels')";
    assertEquals(FG_LABEL, ui.browser.eval(labels + ".querySelector('.fg-label').textContent")
        .getAsString());
    assertTrue(px(labels + ".querySelector('.fg-label').getBoundingClientRect().top")
        > px(labels + ".querySelector('.bg-label').getBoundingClientRect().top"),
        "the cut-out's label on a line below the background's");
    assertEquals("background label: " + BG_LABEL + "\ncut-out label: " + FG_LABEL,
        ui.browser.eval(labels + ".title").getAsString());
    within(".tile .caption .fg-label", ".tile", "the cut-out's label");
    ui.browser.screenshot(WebUiBrowserTest.SHOTS.resolve("long-grid.png"));
  }

  @Test
  void aPhonesStatsPageFitsALongDatasetName() {
    phone();
    assertEquals("ready", ui.browser.open(server.url + "/stats?dataset=" + DATASET));
    noWiderThan(390, "the Stats page");
    within("#controls select[name=dataset]", "#controls", "the dataset's box");
  }
}
