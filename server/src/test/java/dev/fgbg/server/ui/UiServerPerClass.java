package dev.fgbg.server.ui;

import dev.fgbg.core.Fixtures;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A class's UI test server, as a JUnit extension registered on a static field with
 * {@code @RegisterExtension}: before the class's tests, started on loopback, plaintext,
 * exporting under a temporary folder (which also holds the photos dataset's files, when asked
 * for); after them all, closed and the folder removed. {@link UiOnChromium} starts its server
 * with one.
 */
final class UiServerPerClass implements BeforeAllCallback, AfterAllCallback {
  /** What the photos dataset's config is made; null: the built-in dataset alone. */
  private UnaryOperator<FolderDatasetConfig> photos;
  private Path dir;
  UiTestServer server;

  private UiServerPerClass() {}

  /** A server of the built-in dataset. */
  static UiServerPerClass builtin() {
    return new UiServerPerClass();
  }

  /** The server serves the folder dataset {@link UiTestServer#photos} too, beside the built-in. */
  UiServerPerClass withPhotos() {
    return withPhotos(config -> config);
  }

  /** The same, its config made by {@code config} from {@link UiTestServer#photos}. */
  UiServerPerClass withPhotos(UnaryOperator<FolderDatasetConfig> config) {
    photos = config;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("fgbg-ui-test");
    List<FolderDatasetConfig> folders = List.of();
    if (photos != null) {
      Fixtures.goodFolders(dir);
      folders = List.of(photos.apply(UiTestServer.photos(dir)));
    }
    // JUnit runs afterAll even when this fails, so the folder is removed there.
    server = UiTestServer.start(dir.resolve("exports"), ConnectOptions.builder().build(),
        folders);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try (Closeable removing = () -> delete(dir)) { // even when the server's close fails
      if (server != null) {
        server.close();
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
