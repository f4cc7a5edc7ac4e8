package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FileTrees;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.v1.ExportManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The plan driven shard by shard, as the Spark module drives it, over a store that cannot write
 * at offsets and tags its temporary names: the same files and manifest as the server's export.
 */
class ExportPlanTest {
  private static final Dataset D = TestDatasets.tiny();
  @RegisterExtension
  static final WorkerPool POOL = new WorkerPool();

  @TempDir
  Path tmp;

  /** A local folder seen as a store without offset writes, with a writer tag. */
  private static ExportStore remote(Path dir) throws IOException {
    return new ForwardingStore(ExportStore.local(dir)) {
      @Override
      public String describe(String path) {
        return "remote:" + path;
      }

      @Override
      public String tempTag() {
        return "-attempt7";
      }
    };
  }

  private static ExportJob job(ExportFormat f, String dest) {
    return new ExportJob(D, 3, 5, 115, Outputs.all(D), f, dest, false, 25, 95, false);
  }

  /** What the Spark driver and its tasks do, in one thread. */
  private static ExportManifest drive(ExportJob job, ExportStore store) throws IOException {
    ExportPlan plan = new ExportPlan(job, store);
    ExportManifest.Builder m = plan.prepareManifest();
    plan.prepareLayout();
    for (int k = 0; k < plan.shardCount(); k++) {
      if (!plan.intact(k, m.getShards(k))) {
        m.setShards(k, plan.write(k, POOL.get(), 4, () -> false, (n, b) -> { }));
      }
    }
    if (!m.getComplete() || !plan.finalFilesIntact(m)) {
      plan.finish(m);
    }
    plan.writeManifest(m.build());
    return m.build();
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void aStoreWithoutOffsetWritesGivesTheServersFilesAndManifest(ExportFormat f)
      throws Exception {
    Exporter server = new Exporter(new ExportRoot(tmp.resolve("root")), POOL.get(), 4,
        Ticker.systemTicker());
    ExportManifest expected = server.run(job(f, "x"), p -> { }, () -> false);
    Path mine = tmp.resolve("mine/x");
    ExportManifest got = drive(job(f, "x"), remote(mine));
    assertEquals(expected, got);
    assertEquals(FileTrees.tree(tmp.resolve("root/x")), FileTrees.tree(mine),
        f + ": the files differ");
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NPY", "WEBDATASET", "FOLDERS"})
  void aShardDamagedAfterTheFinishIsRedoneAndJoinedAgain(ExportFormat f) throws Exception {
    Path dir = tmp.resolve("d");
    ExportManifest first = drive(job(f, "d"), remote(dir));
    Map<String, String> before = FileTrees.tree(dir);
    String victim = f == ExportFormat.NPY ? "images.npy"
        : f == ExportFormat.WEBDATASET ? "shard-000002.tar"
        : "fg_bg/bg_001/" + SampleNames.name(D.codec(), 40) + ".jpg";
    Path v = dir.resolve(victim);
    byte[] b = Files.readAllBytes(v);
    b[b.length - 7] ^= 1;
    Files.write(v, b);
    ExportPlan plan = new ExportPlan(job(f, "d"), remote(dir));
    ExportManifest.Builder m = ManifestStore.read(dir.resolve(Exporter.MANIFEST)).toBuilder();
    long damaged = IntStream.range(0, plan.shardCount())
        .filter(k -> !plan.intact(k, m.getShards(k))).count();
    assertEquals(1, damaged, "exactly the damaged shard reads back wrong");
    assertEquals(first, drive(job(f, "d"), remote(dir)));
    assertEquals(before, FileTrees.tree(dir));
    assertFalse(Files.exists(dir.resolve(NpyLayout.PARTS)), "parts are removed once joined");
  }

  @ParameterizedTest
  @EnumSource(value = ExportFormat.class, names = {"NPY"})
  void partsAreReadBackBeforeTheJoin(ExportFormat f) throws Exception {
    Path dir = tmp.resolve("p");
    ExportStore store = remote(dir);
    ExportPlan plan = new ExportPlan(job(f, "p"), store);
    ExportManifest.Builder m = plan.prepareManifest();
    var rec = plan.write(1, POOL.get(), 2, () -> false, (n, by) -> { });
    assertTrue(plan.intact(1, rec), "a written part verifies before any join");
    assertFalse(Files.exists(dir.resolve("images.npy")));
    byte[] part = Files.readAllBytes(dir.resolve(NpyLayout.PARTS + "/images.npy/shard-000001"));
    part[3] ^= 1;
    Files.write(dir.resolve(NpyLayout.PARTS + "/images.npy/shard-000001"), part);
    assertFalse(plan.intact(1, rec));
    assertEquals(25 * 32 * 32 * 3, part.length, "a part is exactly the shard's slice");
    assertEquals(5, m.getShardsCount());
  }
}
