package dev.fgbg.server.ui;

import dev.fgbg.core.Fixtures;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The browser tests' shared set-up, as a JUnit extension registered on a static field with
 * {@code @RegisterExtension}: before a class's tests, a headless Chromium of one window size and
 * (unless the class starts its own servers) a UI test server on loopback, plaintext, exporting
 * under a temporary folder (which also holds the photos dataset's files, when asked for);
 * after them all, both closed in the reverse order and the folder removed.
 */
final class UiOnChromium implements BeforeAllCallback, AfterAllCallback {
  private final int width;
  private final int height;
  private final boolean withServer;
  private boolean photos;
  private Path dir;
  /** The server the browser is pointed at; null with {@link #browserOnly}. */
  UiTestServer server;
  HeadlessChromium browser;

  private UiOnChromium(int width, int height, boolean withServer) {
    this.width = width;
    this.height = height;
    this.withServer = withServer;
  }

  /** A server and a browser of {@code width}×{@code height}. */
  static UiOnChromium withServer(int width, int height) {
    return new UiOnChromium(width, height, true);
  }

  /** Only the browser: for a class whose tests start (and stop) servers of their own. */
  static UiOnChromium browserOnly(int width, int height) {
    return new UiOnChromium(width, height, false);
  }

  /** The server serves the folder dataset {@link UiTestServer#photos} too, beside the built-in. */
  UiOnChromium withPhotos() {
    photos = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (withServer) {
      dir = Files.createTempDirectory("fgbg-ui-test");
      List<FolderDatasetConfig> folders = new ArrayList<>();
      if (photos) {
        Fixtures.goodFolders(dir);
        folders.add(UiTestServer.photos(dir));
      }
      server = UiTestServer.start(dir.resolve("exports"), ConnectOptions.builder().build(),
          folders);
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
      try {
        if (server != null) {
          server.close();
        }
      } finally {
        delete(dir);
      }
    }
  }

  private static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
