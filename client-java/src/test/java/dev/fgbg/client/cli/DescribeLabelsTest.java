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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fgbg describe} of class folders named with the list's own separator ("cats, dogs"),
 * over real gRPC: that label is quoted, so it does not read as two.
 */
class DescribeLabelsTest {
  @TempDir
  Path dir;

  @Test
  void aLabelWithACommaIsQuoted() throws Exception {
    Fixtures.write(Fixtures.rgb(40, 40, 1), dir.resolve("bg/0/a.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 2), dir.resolve("bg/cats, dogs/b.png"));
    Fixtures.write(Fixtures.rgb(40, 40, 3), dir.resolve("bg/Küche/c.png"));
    Fixtures.write(Fixtures.disc(20, 20, 0xFF3030), dir.resolve("fg/cup/z.png"));
    DatasetRegistry registry = new DatasetRegistry(List.of(DatasetCatalog.folder(
        FolderDatasetConfig.newBuilder().setName("num").setBg(dir.resolve("bg").toString())
            .setFg(dir.resolve("fg").toString()).setSize("32").build(), null)));
    try (TestServer s = TestServer.netty(registry, 1)) {
      String out = run("describe", "--target", "localhost:" + s.server().port(), "--dataset",
          "num");
      assertTrue(out.contains("\nbg labels:    [0, Küche, 'cats, dogs']\n"), out);
      assertTrue(out.contains("\nfg labels:    [cup]\n"), out);
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
