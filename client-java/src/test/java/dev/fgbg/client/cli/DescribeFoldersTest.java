package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fgbg describe} of folder datasets, over real gRPC: class folders named with the list's
 * own separator ("cats, dogs") are quoted, so that one label does not read as two; a dataset
 * served without its bad files (--on-bad-file skip) lists the count and every file with why,
 * and the same under --json.
 */
class DescribeFoldersTest {
  @TempDir
  Path dir;

  @Test
  void aLabelWithACommaIsQuoted() throws Exception {
    Fixtures.write(Fixtures.rgb(40, 40, 1), dir.resolve("bg/0/a.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 2), dir.resolve("bg/cats, dogs/b.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 3), dir.resolve("bg/Küche/c.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), dir.resolve("fg/cup/z.png"));
    try (TestServer s = serve("num", "")) {
      String out = describe(s, "num");
      assertTrue(out.contains("\nbg labels:    [0, Küche, 'cats, dogs']\n"), out);
      assertTrue(out.contains("\nfg labels:    [cup]\n"), out);
    }
  }

  @Test
  void describeNamesEverySkippedFileWithWhy() throws Exception {
    Fixtures.goodFolders(dir);
    Files.writeString(dir.resolve("bg/text.jpg"), "not an image");
    Files.writeString(dir.resolve("fg/cup/broken.png"), "not an image");
    try (TestServer s = serve("photos", "skip")) {
      String out = describe(s, "photos");
      assertTrue(out.contains("skipped:      2 bad file(s), not served (not in the "
          + "fingerprint):\n  bg/text.jpg: not a PNG or JPEG image"), out);
      assertTrue(out.contains("\n  fg/cup/broken.png: not a PNG or JPEG image"), out);
      String json = describe(s, "photos", "--json");
      assertTrue(json.contains("\"skipped_files\": [{"), json);
      assertTrue(json.contains("\"name\": \"fg/cup/broken.png\""), json);
    }
  }

  /** A server of the folder dataset {@code name}: dir's bg and fg at 32x32. */
  private TestServer serve(String name, String onBadFile) {
    return TestServer.netty(new DatasetRegistry(List.of(DatasetCatalog.folder(
        FolderDatasetConfig.newBuilder().setName(name).setBg(dir.resolve("bg").toString())
            .setFg(dir.resolve("fg").toString()).setSize("32").setOnBadFile(onBadFile).build(),
        null))), 1);
  }

  /** {@code fgbg describe} of {@code dataset} on {@code s}: its stdout; it must exit 0. */
  private static String describe(TestServer s, String dataset, String... more) {
    List<String> args = new ArrayList<>(List.of("describe", "--target",
        "localhost:" + s.server().port(), "--dataset", dataset));
    args.addAll(List.of(more));
    String[] r = CliRun.run(args.toArray(String[]::new));
    assertEquals("0", r[0], r[2]);
    return r[1];
  }
}
