package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.TeacherDepth;
import dev.fgbg.core.depth.DepthSettings;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.server.options.ServerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLineTest {
  /** A teacher never asked here: the line only reads what it is. */
  private static final TeacherDepth IDLE = new TeacherDepth() {
    @Override
    public String id() {
      return "idle";
    }

    @Override
    public String units() {
      return "metres";
    }

    @Override
    public CompletableFuture<DepthMap> depth(Dataset d, long seed, long index, byte[] image,
        int offset) {
      return notAsked();
    }

    @Override
    public CompletableFuture<DepthMap> backgroundDepth(Dataset d, int bg) {
      return notAsked();
    }

    private CompletableFuture<DepthMap> notAsked() {
      return CompletableFuture.failedFuture(new AssertionError("the line renders no depth"));
    }
  };

  private static DepthSettings memory(long bytes, Path cacheDir) {
    return new DepthSettings(OnnxDepthModel.Device.CPU, 1, bytes, cacheDir, 1L << 40);
  }

  @Test
  void aDiskLimitBelowOneSeedsMapsIsSaidToEvictWhatAPassReadsAgain() {
    Dataset tiny = TestDatasets.tiny(); // 120 maps of 32x32: 2,048 bytes + 98 a record
    Dataset taught = new Dataset("taught", tiny.assets(), tiny.spec(), IDLE);
    String line = DatasetLine.of(taught, new DepthSettings(OnnxDepthModel.Device.CPU, 1,
        1 << 20, Path.of("cache"), 50 * 2146));
    assertTrue(line.endsWith("; the depth disk cache's limit (--disk-cache-gb) holds about 50 "
        + "of its 120 maps of a seed: a pass evicts maps it reads again later, so about 0.01 GB"
        + " would keep them"), line);
    assertFalse(DatasetLine.of(taught, new DepthSettings(OnnxDepthModel.Device.CPU, 1, 1 << 20,
        Path.of("cache"), 120 * 2146)).contains("--disk-cache-gb"), "they all fit");
  }

  @Test
  void aTeacherWhoseMapsOutgrowTheMemoryTierIsToldWhatIsRecomputed() {
    Dataset tiny = TestDatasets.tiny(); // 120 maps of 32x32 float16: 2,048 bytes each
    Dataset taught = new Dataset("taught", tiny.assets(), tiny.spec(), IDLE);
    String line = DatasetLine.of(taught, memory(50 * 2112, null));
    assertTrue(line.startsWith("dataset 'taught': 120 samples"), line);
    assertTrue(line.contains("keeps about 50 of its 120 maps (--depth-cache-mb)")
        && line.contains("--cache-dir"), line);
    assertFalse(DatasetLine.of(taught, memory(50 * 2112, Path.of("cache"))).contains("keeps"),
        "a disk tier keeps them all");
    assertFalse(DatasetLine.of(taught, memory(1 << 20, null)).contains("keeps"),
        "they all fit");
    assertFalse(DatasetLine.of(tiny, memory(1, null)).contains("keeps"), "no teacher");
  }

  @Test
  void aTeacherWithADiskTierIsToldHowManyOfItsMapsAreThereAlready() {
    TeacherDepth cached = new TeacherDepth() {
      @Override
      public String id() {
        return IDLE.id();
      }

      @Override
      public String units() {
        return IDLE.units();
      }

      @Override
      public CompletableFuture<DepthMap> depth(Dataset d, long seed, long index, byte[] image,
          int offset) {
        return IDLE.depth(d, seed, index, image, offset);
      }

      @Override
      public CompletableFuture<DepthMap> backgroundDepth(Dataset d, int bg) {
        return IDLE.backgroundDepth(d, bg);
      }

      @Override
      public OptionalLong mapsOnDisk(Dataset d) {
        return OptionalLong.of(1800);
      }
    };
    Dataset tiny = TestDatasets.tiny();
    String line = DatasetLine.of(new Dataset("photos", tiny.assets(), tiny.spec(), cached),
        memory(1 << 20, Path.of("cache")));
    assertTrue(line.endsWith(", fingerprint " + new Dataset("photos", tiny.assets(), tiny.spec(),
        cached).fingerprint() + "; 1,800 of its depth maps (this model, any seed) are in the "
        + "depth disk cache already"), line);
    assertFalse(DatasetLine.of(new Dataset("t", tiny.assets(), tiny.spec(), IDLE),
        memory(1 << 20, Path.of("cache"))).contains("disk cache"), "no disk tier: not said");
  }

  @Test
  void theSizeIsHeightByWidthAsSizeReadsIt() {
    Dataset wide = DatasetCatalog.builtin(new BuiltinConfig(96, 160, 2, 2, 2, "", "", ""), null);
    String line = DatasetLine.of(wide, memory(1 << 20, null));
    assertTrue(line.contains(" placements, 96x160, depth "), line);
  }

  @Test
  void aCacheDirWithNoTeacherDepthAndNoPhotoFolderIsSaidToBeUnused() {
    Dataset tiny = TestDatasets.tiny();
    Dataset taught = new Dataset("taught", tiny.assets(), tiny.spec(), IDLE);
    assertEquals("--cache-dir cache is unused: no dataset has teacher depth from a depth model"
        + " (--depth-model, or a --config dataset naming one) and no dataset is read from "
        + "photo folders, so nothing is cached there",
        DatasetLine.unusedCacheDir(List.of(tiny), memory(1, Path.of("cache")), false)
            .orElseThrow());
    assertTrue(DatasetLine.unusedCacheDir(List.of(tiny, taught), memory(1, Path.of("cache")),
        false).isEmpty());
    assertTrue(DatasetLine.unusedCacheDir(List.of(tiny), memory(1, Path.of("cache")), true)
        .isEmpty(), "photo folders' prepared photos are kept there");
    assertTrue(DatasetLine.unusedCacheDir(List.of(tiny), memory(1, null), false).isEmpty(),
        "not asked for");
  }

  @Test
  void aDepthStoreIsUnusedOnlyWhenNoDatasetHasTeacherDepth() {
    Dataset tiny = TestDatasets.tiny();
    Dataset taught = new Dataset("taught", tiny.assets(), tiny.spec(), IDLE);
    DepthSettings store = new DepthSettings(OnnxDepthModel.Device.CPU, 1, 1, null, 1L << 40,
        Path.of("store"));
    assertTrue(DatasetLine.unusedDepthStore(List.of(tiny), store).orElseThrow()
        .startsWith("--depth-store store is unused: no dataset has teacher depth"));
    assertTrue(DatasetLine.unusedDepthStore(List.of(tiny, taught), store).isEmpty());
    assertTrue(DatasetLine.unusedDepthStore(List.of(tiny), memory(1, null)).isEmpty(),
        "not asked for");
  }

  @Test
  void aSceneDatasetsLineSaysItIsOneWithItsObjects() {
    Dataset scene = new Dataset("scene", BuiltinWorld.create(64, 64, 4, 10), Spec.builder()
        .size(64, 64).placements(2).scene(SceneSpec.builder().objects(2, 3).build()).build());
    String line = DatasetLine.of(scene, memory(1 << 20, null));
    assertTrue(line.contains(", 64x64, scenes of 2-3 objects (describe shows their settings), "
        + "depth "), line);
    assertFalse(DatasetLine.of(TestDatasets.tiny(), memory(1 << 20, null)).contains("scene"),
        "a classic composite's line is as it was");
  }

  @Test
  void oneFlipAndOnePlacementAreSaidInTheSingularInTheStartUpLog(@TempDir Path root)
      throws Exception {
    Fixtures.goodFolders(root);
    ServerOptions o = Main.options("--port", "0", "--builtin-size", "16", "--bg",
        root.resolve("bg").toString(), "--fg", root.resolve("fg").toString(), "--size", "32",
        "--no-flip", "--placements", "1");
    try (LogLines log = LogLines.capture("dev.fgbg");
        FgbgApplication app = FgbgApplication.create(o).start()) {
      List<String> said = log.containing(" fg x 1 flip x 1 placement, ");
      assertEquals(1, said.size(), log.containing("dataset ").toString());
      assertFalse(log.containing("dataset ").stream().anyMatch(l -> l.contains(" 1 flips")
          || l.contains(" 1 placements")), log.containing("dataset ").toString());
    }
  }
}
