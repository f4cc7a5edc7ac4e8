package dev.fgbg.server.ui;

import dev.fgbg.server.transport.ConnectOptions;
import java.nio.file.Path;

/** A UI test server on loopback with a headless Chromium of one window size: the browser tests'
 * shared set-up, closed in the reverse order. */
final class UiOnChromium implements AutoCloseable {
  final UiTestServer server;
  final HeadlessChromium browser;

  private UiOnChromium(UiTestServer server, HeadlessChromium browser) {
    this.server = server;
    this.browser = browser;
  }

  /** A server exporting under {@code dir/exports}, plaintext, and a browser of that size. */
  static UiOnChromium start(Path dir, int width, int height) throws Exception {
    UiTestServer server = UiTestServer.start(dir.resolve("exports"),
        ConnectOptions.builder().build());
    try {
      return new UiOnChromium(server, HeadlessChromium.start(width, height));
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      browser.close();
    } finally {
      server.close();
    }
  }
}
