package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.ShardRecord;
import dev.fgbg.v1.SkippedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fgbg export} of a dataset served without its bad files (--on-bad-file skip), over real
 * gRPC: its manifest lists them, sorted, with why (it did not), and its samples, digests and
 * files are those of an export of the good files alone.
 */
class ExportSkippedTest {
  @TempDir
  Path dir;

  @Test
  void theManifestListsTheSkippedFilesAndTheSamplesAreThoseOfTheGoodFiles() throws Exception {
    Path photos = dir.resolve("photos");
    Path clean = dir.resolve("clean");
    Fixtures.goodFolders(photos);
    Fixtures.goodFolders(clean);
    Files.writeString(photos.resolve("fg/cup/broken.png"), "not an image");
    Files.writeString(photos.resolve("bg/text.jpg"), "not an image");
    Path root = dir.resolve("exports");
    Files.createDirectories(root);
    try (TestServer s = TestServer.netty(registry(photos, clean),
        TestServer.options(1).exportRoot(root).build())) {
      String target = "127.0.0.1:" + s.server().port();
      export(target, "photos", "skipping");
      export(target, "clean", "clean");
    }
    ExportManifest skipping = manifest(root.resolve("skipping"));
    ExportManifest good = manifest(root.resolve("clean"));
    assertEquals(List.of(skipped("bg/text.jpg"), skipped("fg/cup/broken.png")),
        skipping.getSkippedFilesList());
    assertEquals(List.of(), good.getSkippedFilesList());
    String json = Files.readString(root.resolve("skipping/manifest.json"));
    assertTrue(json.contains("\"skipped_files\": [{\n    \"name\": \"bg/text.jpg\",\n    "
        + "\"reason\": \"not a PNG or JPEG image\"\n  }, {"), json);
    assertTrue(skipping.getComplete() && skipping.getSamples() > 0, json);
    // The samples, their digests and the files written are the good files' export's.
    assertEquals(good.getFingerprint(), skipping.getFingerprint());
    assertEquals(good.getDigest(), skipping.getDigest());
    assertEquals(good.getShardsList().stream().map(ShardRecord::getFilesSha256).toList(),
        skipping.getShardsList().stream().map(ShardRecord::getFilesSha256).toList());
    assertEquals(good.getFilesList(), skipping.getFilesList());

    // A skipped file removed keeps the fingerprint, so the export is the same one: run again,
    // its manifest says what the server skips now.
    Files.delete(photos.resolve("bg/text.jpg"));
    try (TestServer s = TestServer.netty(registry(photos, clean),
        TestServer.options(1).exportRoot(root).build())) {
      export("127.0.0.1:" + s.server().port(), "photos", "skipping");
    }
    ExportManifest again = manifest(root.resolve("skipping"));
    assertEquals(List.of(skipped("fg/cup/broken.png")), again.getSkippedFilesList());
    assertEquals(skipping.toBuilder().clearSkippedFiles().build(),
        again.toBuilder().clearSkippedFiles().build());
  }

  private static DatasetRegistry registry(Path photos, Path clean) {
    return new DatasetRegistry(List.of(folder("photos", photos, "skip"),
        folder("clean", clean, "")));
  }

  private static Dataset folder(String name, Path p, String onBadFile) {
    return DatasetCatalog.folder(FolderDatasetConfig.newBuilder().setName(name)
        .setBg(p.resolve("bg").toString()).setFg(p.resolve("fg").toString()).setSize("32")
        .setOnBadFile(onBadFile).build(), null);
  }

  private static SkippedFile skipped(String name) {
    return SkippedFile.newBuilder().setName(name).setReason("not a PNG or JPEG image").build();
  }

  private static ExportManifest manifest(Path export) throws Exception {
    ExportManifest.Builder b = ExportManifest.newBuilder();
    JsonFormat.parser().merge(Files.readString(export.resolve("manifest.json")), b);
    return b.build();
  }

  /** Runs the CLI's export; it must exit 0. */
  private static void export(String target, String dataset, String dest) {
    String[] r = CliRun.run("export", "--target", target, "--dataset", dataset, "--format",
        "folders", "--dest", dest);
    assertEquals("0", r[0], r[1] + r[2]);
  }
}
