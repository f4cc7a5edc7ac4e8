package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.assets.FolderAssets;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes found without decoding a photo (a depth model's missing weights, a file with a photo's
 * name but WebP bytes) stop a start-up before any photo is decoded, every one named at once,
 * through {@link FgbgApplication#create(ServerOptions)}. The options' ticker is driven (each
 * read one second later), so any decoding at all would log its "decoded … of …" progress line.
 */
class QuickRefusalsTest {
  @TempDir
  Path root;

  private FolderDatasetConfig.Builder folders(String name, Path dir) {
    return FolderDatasetConfig.newBuilder().setName(name).setBg(dir.resolve("bg").toString())
        .setFg(dir.resolve("fg").toString()).setSize("32");
  }

  /** The start-up's refusal, checked to come with no photo decoded. */
  private String refusal(FolderDatasetConfig... datasets) {
    AtomicLong now = new AtomicLong();
    ServerOptions o = ServerOptions.builder().workers(1).noExports()
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "", ""))
        .ticker(() -> now.addAndGet(TimeUnit.SECONDS.toNanos(1)))
        .datasets(List.of(datasets)).build();
    try (LogCapture log = new LogCapture()) {
      FgbgException e = assertThrows(FgbgException.class, () -> FgbgApplication.create(o));
      assertEquals(List.of(), log.of(FolderAssets.class.getName()).stream()
          .map(LogRecord::getMessage).filter(m -> m.contains(" decoded ")).toList(),
          e.getMessage());
      return e.getMessage();
    }
  }

  @Test
  void missingWeightsAreNamedWithTheOtherQuickProblemsBeforeAnyPhotoIsDecoded()
      throws Exception {
    Fixtures.goodFolders(root.resolve("good"));
    Path office = root.resolve("office");
    Fixtures.goodFolders(office);
    Path webp = office.resolve("bg/downloaded.webp");
    Files.write(webp, "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1));
    Path model = Files.createDirectories(root.resolve("models/tiny"));
    TinyOnnx.config(model, "");
    Path weights = root.resolve("fastdepth_nyu_224.onnx");
    String why = refusal(folders("good", root.resolve("good")).build(),
        folders("office", office).setDepthModel(model.toString())
            .setDepthWeights(weights.toString()).build());
    assertTrue(why.startsWith("dataset 'office' has 2 bad files or folders (fix or remove "
        + "each, then start again):\n  depth model weights " + weights + " not found (the path "
        + "given as --depth-weights, or as depthWeights in a config file)\n  " + webp
        + ": is a WEBP image; fgbg reads PNG and JPEG (convert it, e.g. dwebp "), why);
    assertTrue(why.endsWith("\n6 image file(s) not named here were not decoded yet: one broken "
        + "inside (cut short, corrupt) may still be named by the next run"), why);
  }

  @Test
  void aMissingModelConfigAloneIsNamedInTodaysWords() {
    Fixtures.goodFolders(root);
    Path model = root.resolve("models/none");
    String why = refusal(folders("office", root).setDepthModel(model.toString()).build());
    assertEquals("dataset 'office': depth model config " + model + " not found: give a model "
        + "folder with a config.json (see models/), e.g. --depth-model models/fastdepth_nyu_224",
        why);
  }
}
