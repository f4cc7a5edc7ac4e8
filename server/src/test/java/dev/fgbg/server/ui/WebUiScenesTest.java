package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A scene dataset (three labelled objects a composite) in a real headless Chromium against a
 * real server: the Sample page lists every object readably with its instance colour, the
 * composite has every object's box in that colour, and grid captions name every object.
 */
class WebUiScenesTest {
  private static final int OBJECTS = 3;

  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(1400, 1000).withPhotos(photos -> photos
      .toBuilder().setSize("64").setObjects(String.valueOf(OBJECTS)).build());

  private static JsonObject api(String path) throws Exception {
    return JsonParser.parseString(ui.server.get(path).body()).getAsJsonObject();
  }

  private static String eval(String expression) {
    return ui.browser.eval(expression).getAsString();
  }

  /** "#40ff78" as the browser's computed style writes it. */
  private static String rgb(String hex) {
    int c = Integer.parseInt(hex.substring(1), 16);
    return String.format(Locale.ROOT, "rgb(%d, %d, %d)", c >> 16, (c >> 8) & 0xff, c & 0xff);
  }

  @Test
  void theSamplePageShowsEveryObjectInItsColour() throws Exception {
    JsonObject sample = api("/api/sample?dataset=photos&index=5");
    JsonArray instances = sample.getAsJsonArray("instances");
    JsonObject scene = sample.getAsJsonObject("meta").getAsJsonObject("scene");
    assertEquals(OBJECTS, instances.size(), instances.toString());
    assertEquals("ready", ui.browser.open(ui.server.url + "/sample?dataset=photos&index=5"));
    assertFalse(eval("document.getElementById('meta').textContent").contains("[object"),
        eval("document.getElementById('meta').textContent"));
    assertEquals("blend " + scene.get("blend").getAsString() + " · distractors 0 · " + OBJECTS
        + " objects, listed under Objects", eval("[...document.querySelectorAll('#meta tr')]"
        + ".find(r => r.cells[0].textContent === 'scene').cells[1].textContent"));
    List<String> colours = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    for (JsonElement e : instances) {
      JsonObject i = e.getAsJsonObject();
      colours.add(rgb(i.get("colour").getAsString()));
      JsonObject b = i.getAsJsonObject("bbox");
      rows.add(i.get("id").getAsInt() + "|" + i.get("label").getAsString() + "|"
          + b.get("x0") + "," + b.get("y0") + "–" + b.get("x1") + "," + b.get("y1") + "|"
          + Math.round(i.get("visible_fraction").getAsDouble() * 100) + "%");
    }
    assertEquals(String.join("\n", rows), eval("[...document.querySelectorAll("
        + "'#instances tr[data-instance]')].map(r => [0, 2, 3, 4].map(c =>"
        + " r.cells[c].textContent.trim()).join('|')).join('\\n')"));
    assertEquals(String.join(";", colours), eval("[...document.querySelectorAll("
        + "'#instances .swatch')].map(s => getComputedStyle(s).backgroundColor).join(';')"));
    assertEquals(String.join(";", colours), eval("[...document.querySelectorAll("
        + "'#figures figure:first-child .bbox')].map(b => getComputedStyle(b).borderTopColor)"
        + ".join(';')"), "every object's box on the composite, in its colour");
  }

  @Test
  void gridCaptionsNameEveryObject() throws Exception {
    JsonArray samples = api("/api/grid?dataset=photos&per_page=4").getAsJsonArray("samples");
    List<String> expected = new ArrayList<>();
    for (JsonElement s : samples) {
      List<String> labels = s.getAsJsonObject().getAsJsonArray("fg_labels").asList().stream()
          .map(JsonElement::getAsString).toList();
      assertEquals(OBJECTS, labels.size());
      expected.add(labels.get(0) + ", " + labels.get(1) + " +1");
    }
    assertEquals("ready", ui.browser.open(ui.server.url + "/grid?dataset=photos&per_page=4"));
    assertEquals(String.join(";", expected), eval("[...document.querySelectorAll("
        + "'.tile .fg-label')].map(l => l.textContent).join(';')"));
  }
}
