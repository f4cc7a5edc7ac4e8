package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FolderDatasetConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fgbg describe} of a dataset served without its bad files (--on-bad-file skip), over
 * real gRPC: the count and every file with why, and the same under --json.
 */
class DescribeSkippedTest {
  @TempDir
  Path dir;

  @Test
  void describeNamesEverySkippedFileWithWhy() throws Exception {
    Fixtures.goodFolders(dir);
    Files.writeString(dir.resolve("bg/text.jpg"), "not an image");
    Files.writeString(dir.resolve("fg/cup/broken.png"), "not an image");
    DatasetRegistry registry = new DatasetRegistry(List.of(DatasetCatalog.folder(
        FolderDatasetConfig.newBuilder().setName("photos").setBg(dir.resolve("bg").toString())
            .setFg(dir.resolve("fg").toString()).setSize("32").setOnBadFile("skip").build(),
        null)));
    try (TestServer s = TestServer.netty(registry, 1)) {
      String target = "localhost:" + s.server().port();
      String out = run("describe", "--target", target, "--dataset", "photos");
      assertTrue(out.contains("skipped:      2 bad file(s), not served (not in the "
          + "fingerprint):\n  bg/text.jpg: not a PNG or JPEG image"), out);
      assertTrue(out.contains("\n  fg/cup/broken.png: not a PNG or JPEG image"), out);
      String json = run("describe", "--target", target, "--dataset", "photos", "--json");
      assertTrue(json.contains("\"skipped_files\": [{"), json);
      assertTrue(json.contains("\"name\": \"fg/cup/broken.png\""), json);
    }
  }

  /** The CLI's stdout; it must exit 0. */
  private static String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, FgbgCli.run(args));
      return o.toString(StandardCharsets.UTF_8);
    } finally {
      System.setOut(old);
    }
  }
}
