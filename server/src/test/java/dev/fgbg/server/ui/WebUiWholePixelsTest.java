package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fgbg.server.transport.ConnectOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny dataset's grid (28×28, as MNIST's) in a real headless Chromium against a real server:
 * each thumbnail is its picture scaled by a whole factor of device pixels, the most its tile
 * holds, with square pixels (not smoothed), at another window width and at a device pixel
 * ratio of 1.5 too. Scaled to the tile's own width, 28 pixels in some 190 were 6 or 7 wide.
 */
class WebUiWholePixelsTest {
  private static final int SIDE = 28;

  @TempDir
  Path dir;
  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.browserOnly(1400, 1000);

  @Test
  void tinyPicturesFillTheirTilesByAWholeFactorWithSquarePixels() throws Exception {
    try (UiTestServer s = UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build(), List.of(), SIDE, SIDE, 0)) {
      for (double[] window : new double[][] {{1400, 1}, {1000, 1}, {1000, 1.5}}) {
        JsonObject metrics = new JsonObject();
        metrics.addProperty("width", (int) window[0]);
        metrics.addProperty("height", 1000);
        metrics.addProperty("deviceScaleFactor", window[1]);
        metrics.addProperty("mobile", false);
        ui.browser.call("Emulation.setDeviceMetricsOverride", metrics);
        assertEquals("ready", ui.browser.open(s.url + "/grid?dataset=builtin&per_page=12"));
        shownWhole(window[1]);
        // Narrower, the tiles change width: the factor follows (after the observer's turn).
        ui.browser.eval("new Promise(r => { document.getElementById('tiles').style.width ="
            + " '70%'; requestAnimationFrame(() => requestAnimationFrame(r)); })");
        shownWhole(window[1]);
      }
    }
  }

  /** Every composite and mask of the page at a whole scale of device pixels, pixelated. */
  private static void shownWhole(double dpr) {
    JsonArray shown = ui.browser.eval("[...document.querySelectorAll('.tile .thumb')].flatMap(t"
        + " => [...t.querySelectorAll('img.composite, canvas.mask')].map(e => { const r ="
        + " e.getBoundingClientRect(); return [t.clientWidth, t.clientHeight, r.width, r.height,"
        + " getComputedStyle(e).imageRendering]; }))").getAsJsonArray();
    assertTrue(shown.size() >= 24, "a composite and a mask per tile: " + shown);
    for (JsonElement e : shown) {
      JsonArray a = e.getAsJsonArray();
      int most = (int) Math.floor(Math.min(a.get(0).getAsDouble(), a.get(1).getAsDouble()) * dpr
          / SIDE);
      assertTrue(most >= 2, "a tile holds the picture twice over: " + a);
      assertEquals(most * SIDE, a.get(2).getAsDouble() * dpr, 0.01, "shown width: " + a);
      assertEquals(most * SIDE, a.get(3).getAsDouble() * dpr, 0.01, "shown height: " + a);
      assertEquals("pixelated", a.get(4).getAsString(), a.toString());
    }
  }
}
