package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The links of a page about one dataset, followed in a real headless Chromium against a real
 * server with two datasets: the navigation's Grid and Stats and a refusal's way back open the
 * same dataset, not the first one.
 */
class WebUiDatasetLinksTest {
  @RegisterExtension
  static final UiOnChromium ui = UiOnChromium.withServer(1400, 1000).withPhotos();

  private static String eval(String expression) {
    return ui.browser.eval(expression).getAsString();
  }

  /** Clicks the first link {@code selector} finds and waits until the page it opens is shown. */
  private static String click(String selector) {
    CompletableFuture<JsonObject> loaded = ui.browser.next("Page.loadEventFired");
    ui.browser.eval("document.querySelector('" + selector + "').click()");
    loaded.orTimeout(120, TimeUnit.SECONDS).join();
    return ui.browser.awaitShown();
  }

  /** The dataset the shown page's form is on. */
  private static String formDataset() {
    return eval("document.querySelector('#controls select[name=dataset]').value");
  }

  @Test
  void theNavigationKeepsThePagesDataset() {
    assertEquals("ready", ui.browser.open(ui.server.url + "/sample?dataset=photos&index=3"));
    assertEquals("ready", click("header.bar nav a[data-nav=stats]"));
    assertEquals("/stats?dataset=photos", eval("location.pathname + location.search"));
    assertEquals("photos", formDataset());
    assertEquals("ready", click("header.bar nav a[data-nav=grid]"));
    assertEquals("photos", formDataset());
  }

  @Test
  void aRefusalsWayBackAndNavigationKeepItsDataset() {
    String refused = ui.server.url + "/sample?dataset=photos&index=100000";
    assertEquals("failed", ui.browser.open(refused));
    assertEquals("Back to the Grid", eval("document.querySelector('.failure .back a')"
        + ".textContent"));
    assertEquals("ready", click(".failure .back a"));
    assertEquals("/grid?dataset=photos", eval("location.pathname + location.search"));
    assertEquals("photos", formDataset());
    assertEquals("failed", ui.browser.open(refused));
    assertEquals("ready", click("header.bar nav a[data-nav=stats]"));
    assertEquals("photos", formDataset());
    assertEquals("failed", ui.browser.open(ui.server.url + "/stats?dataset=photos&bins=zero"));
    assertEquals("ready", click(".failure .back a"));
    assertEquals("/stats?dataset=photos", eval("location.pathname + location.search"));
    assertEquals("photos", formDataset());
  }
}
