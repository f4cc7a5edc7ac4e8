package dev.fgbg.server.ui;

import dev.fgbg.v1.FolderDatasetConfig;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The browser tests' shared set-up, as a JUnit extension registered on a static field with
 * {@code @RegisterExtension}: before a class's tests, a headless Chromium of one window size and
 * (unless the class starts its own servers) a {@link UiServerPerClass}; after them all, both
 * closed in the reverse order.
 */
final class UiOnChromium implements BeforeAllCallback, AfterAllCallback {
  private final int width;
  private final int height;
  /** Null with {@link #browserOnly}. */
  private final UiServerPerClass serving;
  /** The server the browser is pointed at; null with {@link #browserOnly}. */
  UiTestServer server;
  HeadlessChromium browser;

  private UiOnChromium(int width, int height, UiServerPerClass serving) {
    this.width = width;
    this.height = height;
    this.serving = serving;
  }

  /** A server and a browser of {@code width}×{@code height}. */
  static UiOnChromium withServer(int width, int height) {
    return new UiOnChromium(width, height, UiServerPerClass.builtin());
  }

  /** Only the browser: for a class whose tests start (and stop) servers of their own. */
  static UiOnChromium browserOnly(int width, int height) {
    return new UiOnChromium(width, height, null);
  }

  /** The server serves the folder dataset {@link UiTestServer#photos} too, beside the built-in. */
  UiOnChromium withPhotos() {
    return withPhotos(config -> config);
  }

  /** The same, its config made by {@code config} ({@link UiServerPerClass#withPhotos}). */
  UiOnChromium withPhotos(UnaryOperator<FolderDatasetConfig> config) {
    if (serving != null) {
      serving.withPhotos(config);
    }
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (serving != null) {
      serving.beforeAll(context);
      server = serving.server;
    }
    // JUnit runs afterAll even when this fails, so a server started above is closed there.
    browser = HeadlessChromium.start(width, height);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (serving != null) {
        serving.afterAll(context);
      }
    }
  }
}
