package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A verb that names no dataset reads builtin, and over real gRPC says so on one stderr line when
 * the server serves the user's own folders too (the tester's describe of "their" dataset was
 * builtin's, without a word); nothing when a dataset was named or builtin is all there is.
 */
class DefaultDatasetWordsTest {
  private static final String LINE = "fgbg: dataset builtin (the server also serves office; "
      + "choose with --dataset NAME)\n";

  @TempDir
  Path dir;

  @Test
  void everyVerbSaysWhichDatasetItGot() throws Exception {
    Fixtures.goodFolders(dir);
    try (TestServer s = TestServer.netty(new DatasetRegistry(List.of(TestDatasets.builtin(),
        DatasetCatalog.folder(FolderDatasetConfig.newBuilder().setName("office")
            .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
            .setSize("32").build(), null))), 1)) {
      String target = "localhost:" + s.server().port();
      String[] r = CliRun.run("describe", "--target", target);
      assertEquals("0", r[0], r[2]);
      assertTrue(r[1].contains("dataset:      builtin\n"), r[1]);
      assertEquals(LINE, r[2]);
      r = CliRun.run("get", "--target", target, "--indices", "3", "--out",
          dir.resolve("out").toString(), "--outputs", "mask");
      assertEquals("0", r[0], r[2]);
      assertTrue(r[2].startsWith(LINE), r[2]);
      r = CliRun.run("stream", "--target", target, "--limit", "2", "--batch-size", "2",
          "--outputs", "mask");
      assertEquals("0", r[0], r[2]);
      assertTrue(r[2].startsWith(LINE), r[2]);
      r = CliRun.run("describe", "--target", target, "--dataset", "builtin");
      assertEquals("0", r[0], r[2]);
      assertFalse(r[2].contains("also serves"), r[2]);
    }
  }

  @Test
  void builtinAloneNeedsNoWord() throws Exception {
    try (TestServer s = TestServer.netty(new DatasetRegistry(List.of(TestDatasets.builtin())),
        1)) {
      String[] r = CliRun.run("describe", "--target", "localhost:" + s.server().port());
      assertEquals("0", r[0], r[2]);
      assertEquals("", r[2]);
    }
  }
}
