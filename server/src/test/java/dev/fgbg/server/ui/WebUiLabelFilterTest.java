package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fgbg.core.Fixtures;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labels whose names hold the filter's separator (a class folder "cats, dogs"), over a real
 * server: every chip of the Datasets page (its links read in headless Chromium) opens a grid of
 * exactly that label, a name typed by hand or a list of names and numbers filters too, and a
 * refusal lists the labels with such a name quoted.
 */
class WebUiLabelFilterTest {
  private static final List<String> BG = List.of("0", "1", "10", "2", "Küche", "cats, dogs");
  private static final List<String> FG = List.of("ball, red", "cup");

  @TempDir
  Path dir;

  @Test
  void everyLabelChipAndEveryNameByHandFiltersItsLabel() throws Exception {
    try (UiTestServer s = serve()) {
      List<String> hrefs = new ArrayList<>();
      try (HeadlessChromium browser = HeadlessChromium.start(1200, 900)) {
        assertEquals("ready", browser.open(s.url + "/"));
        String links = browser.eval("JSON.stringify([...document.querySelectorAll('a.chip')]"
            + ".map(a => a.getAttribute('href')))").getAsString();
        for (JsonElement e : JsonParser.parseString(links).getAsJsonArray()) {
          hrefs.add(e.getAsString());
        }
      }
      List<String> chips = hrefs.stream().filter(h -> h.contains("dataset=num")).toList();
      assertEquals(BG.size() + FG.size(), chips.size(), hrefs.toString());
      for (int c = 0; c < chips.size(); c++) {
        boolean bg = c < BG.size();
        String label = bg ? BG.get(c) : FG.get(c - BG.size());
        JsonObject grid = grid(s, chips.get(c).replaceFirst("^/grid", "/api/grid"));
        assertLabelled(grid, bg ? "bg_label" : "fg_label", label, chips.get(c));
      }
      // By hand: the exact name, percent-encoded, and the label's number (5: "cats, dogs").
      assertLabelled(grid(s, "/api/grid?dataset=num&bg_label=cats%2C%20dogs"), "bg_label",
          "cats, dogs", "by name");
      assertLabelled(grid(s, "/api/grid?dataset=num&bg_label=5"), "bg_label", "cats, dogs",
          "by number");
      assertLabelled(grid(s, "/api/grid?dataset=num&fg_label=" + URLEncoder.encode(
          "ball, red", StandardCharsets.UTF_8)), "fg_label", "ball, red", "fg by name");
      // A list still works: names and numbers, comma-separated.
      JsonObject two = grid(s, "/api/grid?dataset=num&bg_label=K%C3%BCche,5&per_page=240");
      assertEquals(2 * 2 * 2 * 20, two.get("total").getAsLong());
      HttpResponse<String> bad = s.get("/api/grid?dataset=num&bg_label=cats");
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().contains("parameter 'bg_label': no label 'cats'; the labels are "
          + "0, 1, 10, 2, Küche, 'cats, dogs'"), bad.body());
    }
  }

  @Test
  void aNameCopiedQuotedFromAListFiltersItsLabel() throws Exception {
    try (UiTestServer s = serve()) {
      // As the refusal above (and describe) list them: before, "no label ''cats'".
      assertLabelled(grid(s, "/api/grid?dataset=num&bg_label=" + URLEncoder.encode(
          "'cats, dogs'", StandardCharsets.UTF_8)), "bg_label", "cats, dogs", "quoted");
      assertLabelled(grid(s, "/api/grid?dataset=num&fg_label=" + URLEncoder.encode(
          " 'ball, red' ", StandardCharsets.UTF_8)), "fg_label", "ball, red", "fg quoted");
      JsonObject two = grid(s, "/api/grid?dataset=num&per_page=240&bg_label=" + URLEncoder.encode(
          "Küche, 'cats, dogs'", StandardCharsets.UTF_8));
      assertEquals(2 * 2 * 2 * 20, two.get("total").getAsLong());
      HttpResponse<String> bad = s.get("/api/grid?dataset=num&bg_label=" + URLEncoder.encode(
          "'cats, dogs", StandardCharsets.UTF_8));
      assertEquals(400, bad.statusCode());
      assertTrue(bad.body().contains("parameter 'bg_label': in ''cats, dogs', the quote at "
          + "character 1 is never closed"), bad.body());
    }
  }

  @Test
  void aNameTypedInNfdFiltersItsLabel() throws Exception {
    try (UiTestServer s = serve()) {
      // "Küche" as a Mac types it: u and a combining diaeresis. Before: "no label 'Küche'".
      assertLabelled(grid(s, "/api/grid?dataset=num&bg_label=Ku%CC%88che"), "bg_label", "Küche",
          "NFD");
      JsonObject two = grid(s, "/api/grid?dataset=num&per_page=240&bg_label=Ku%CC%88che,5");
      assertEquals(2 * 2 * 2 * 20, two.get("total").getAsLong());
    }
  }

  /** A server with the folder dataset 'num' of the labels BG and FG. */
  private UiTestServer serve() throws Exception {
    for (int i = 0; i < BG.size(); i++) {
      Fixtures.write(Fixtures.rgb(40, 40, i), dir.resolve("bg").resolve(BG.get(i))
          .resolve("a.png"));
    }
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), dir.resolve("fg/ball, red/x.png"));
    Fixtures.write(Fixtures.disc(16, 24, 0x3030FF), dir.resolve("fg/cup/z.png"));
    FolderDatasetConfig num = FolderDatasetConfig.newBuilder().setName("num")
        .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString()).setSize("32")
        .build();
    return UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build(), List.of(num));
  }

  private static JsonObject grid(UiTestServer s, String path) throws Exception {
    HttpResponse<String> r = s.get(path);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  /** Every sample of the page has {@code label}, and there are all of that label's. */
  private static void assertLabelled(JsonObject grid, String field, String label, String what) {
    // One background (or cut-out) per label: the other factor's 2 (or 6) × 2 flips × 20 k.
    long others = field.equals("bg_label") ? FG.size() : BG.size();
    assertEquals(others * 2 * 20, grid.get("total").getAsLong(), what);
    JsonArray samples = grid.getAsJsonArray("samples");
    assertTrue(samples.size() > 0, what);
    for (JsonElement e : samples) {
      assertEquals(label, e.getAsJsonObject().get(field).getAsString(), what);
    }
  }
}
