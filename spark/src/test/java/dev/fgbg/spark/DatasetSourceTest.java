package dev.fgbg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthRuntimes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Spark job's dataset from a config file and depth flags is the one serve makes of them. */
class DatasetSourceTest {
  @TempDir
  Path root;

  @Test
  void theDepthFlagsCompleteAnEntryAsServesDo() throws Exception {
    Fixtures.goodFolders(root);
    Path model = root.resolve("flagged");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path weights = Files.move(model.resolve("model.onnx"), root.resolve("weights.onnx"));
    String json = """
        {"datasets": [
          {"name": "minelayer", "bg": "%1$s", "fg": "%2$s", "size": "32",
           "depthMode": "layered"},
          {"name": "taught", "bg": "%1$s", "fg": "%2$s", "size": "32"}
        ]}""".formatted(root.resolve("bg"), root.resolve("fg"));
    for (String name : new String[] {"minelayer", "taught"}) {
      DatasetSource s = new DatasetSource(name, json, "datasets.json", "224", 20, "100:100",
          model.toString(), weights.toString(), "teacher", "cpu");
      try (DepthRuntimes models = SparkJobs.driverModels(s);
          DepthRuntimes served = SparkJobs.driverModels(s)) {
        Dataset d = s.build(models);
        // The entry's own "depthMode" wins; one with none takes the flag's.
        assertTrue(d.depthSource().endsWith(name.equals("minelayer") ? ":layered" : ":teacher"),
            d.depthSource());
        Dataset serve = DatasetCatalog.configFolder(DatasetCatalog.parseConfig(json, "x",
            c -> DatasetCatalog.withDepthFlags(c, model.toString(), weights.toString(),
                "teacher")).stream().filter(c -> c.getName().equals(name)).findFirst()
            .orElseThrow(), served);
        assertEquals(serve.fingerprint(), d.fingerprint(), name);
      }
    }
  }

  @Test
  void depthFlagsAreCheckedAloneFirstAsServesAre() throws Exception {
    Fixtures.goodFolders(root);
    String json = """
        {"datasets": [{"name": "own", "bg": "%1$s", "fg": "%2$s", "size": "32"}]}"""
        .formatted(root.resolve("bg"), root.resolve("fg"));
    DatasetSource s = new DatasetSource("own", json, "datasets.json", "224", 20, "100:100",
        "", "", "layered", "cpu");
    try (DepthRuntimes models = SparkJobs.driverModels(s)) {
      FgbgException e = assertThrows(FgbgException.class, () -> s.build(models));
      assertEquals("--depth-mode needs --depth-model", e.getMessage());
    }
  }

  @Test
  void aRelativeFolderFoundOnlyBesideTheConfigFileIsHintedAt() throws Exception {
    // serve reads a config file's relative folders from the file's folder, Spark from the
    // working folder: the refusal named only the working folder's path, with no word of why.
    Fixtures.goodFolders(root);
    Path config = Files.writeString(root.resolve("datasets.json"), """
        {"datasets": [{"name": "own", "bg": "bg/", "fg": "fg", "size": "32"}]}""");
    DatasetSource s = new DatasetSource("own", Files.readString(config), config.toString(),
        "224", 20, "100:100", "", "", "", "cpu");
    try (DepthRuntimes models = SparkJobs.driverModels(s)) {
      FgbgException e = assertThrows(FgbgException.class, () -> s.build(models));
      assertTrue(e.getMessage().contains("\n  background folder bg ("), e.getMessage());
      assertTrue(e.getMessage().endsWith("\n  (under Spark a config file's relative folders are "
          + "the working folder's; the file's folder has bg/ and fg/: give absolute paths, or "
          + "run from " + root.toAbsolutePath() + ")"), e.getMessage());
    }
  }
}
