package dev.fgbg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FileTrees;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.export.ExportFormat;
import dev.fgbg.core.export.ExportRoot;
import dev.fgbg.core.export.Exporter;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.ExportManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export job in Spark's local mode on file://: the server's files and digests, retried
 * tasks, reruns, resumes and an executor whose assets differ. local[2,2] is local[2] that
 * retries a failed task once (plain local mode never retries).
 */
class SparkExportTest {
  /** Attempts that the failure hooks saw, by shard: shared because local mode is one JVM. */
  private static final Set<String> FAILED = ConcurrentHashMap.newKeySet();
  private static JavaSparkContext sc;
  private static ExecutorService pool;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    sc = SparkJobs.context("local[2,2]", "fgbg-spark-test");
    pool = NamedThreads.fixedPool("test-export", 2);
  }

  @AfterAll
  static void stop() {
    sc.close();
    pool.shutdownNow();
  }

  /** A folder dataset (3 bg x 3 fg x 2 x 20 = 360 samples of 32x32) and its config. */
  static DatasetSource folder(Path root) throws Exception {
    Fixtures.goodFolders(root);
    String json = "{\"datasets\": [{\"name\": \"mine\", \"bg\": \"" + root.resolve("bg")
        + "\", \"fg\": \"" + root.resolve("fg") + "\", \"size\": \"32\"}]}";
    Files.writeString(root.resolve("datasets.json"), json);
    return new DatasetSource("mine", json, root.resolve("datasets.json").toString(), "224", 20,
        "100:100", "", "", "", "cpu");
  }

  /** A small built-in world: 6 bg x 10 fg x 2 x 4 = 480 samples of 64x64. */
  static DatasetSource builtin() {
    return new DatasetSource("builtin", null, "", "64", 4, "6:10", "", "", "", "cpu");
  }

  private SparkExport.Request request(DatasetSource s, ExportFormat f, long start, long end,
      String dest) {
    // Depth as .npy where there is depth: the built-in world's (a folder dataset here has none,
    // and asking for its depth is refused).
    boolean depthNpy = f == ExportFormat.WEBDATASET && s.name().equals("builtin");
    return new SparkExport.Request(s, 11, start, end, 0, 0, f,
        dir.resolve(dest).toUri().toString(), false, 100, 90, depthNpy, 1);
  }

  /** The server's own export of the same request, into export root {@code dir/server}. */
  private ExportManifest serverExport(SparkExport.Request r, String dest) {
    Dataset d = r.source().build(null);
    Exporter e = new Exporter(new ExportRoot(dir.resolve("server")), pool, 4, Ticker.systemTicker());
    return e.run(new SparkExport.Request(r.source(), r.seed(), r.start(), r.end(), r.stride(),
        r.sample(), r.format(), dest, false, r.shardSize(), r.jpegQuality(), r.depthNpy(), 1)
        .job(d), p -> { }, () -> false);
  }

  @Test
  void everyFormatOfAFolderDatasetIsTheServersExportFileForFile() throws Exception {
    DatasetSource s = folder(dir.resolve("assets"));
    for (ExportFormat f : ExportFormat.values()) {
      SparkExport.Request r = request(s, f, 30, 330, f.id());
      SparkExport.Result res = SparkExport.run(sc, r);
      ExportManifest server = serverExport(r, f.id());
      assertEquals(server.getDigest(), res.digest(), f.id());
      assertEquals(300, res.samples());
      assertEquals(FileTrees.tree(dir.resolve("server").resolve(f.id())),
          FileTrees.tree(dir.resolve(f.id())), f + ": Spark's files differ from the server's");
    }
  }

  @Test
  void aBuiltinRangeHasTheServersStreamDigest() throws Exception {
    SparkExport.Result npy = SparkExport.run(sc, request(builtin(), ExportFormat.NPY, 37, 413,
        "npy"));
    SparkExport.Result wds = SparkExport.run(sc, request(builtin(), ExportFormat.WEBDATASET, 37,
        413, "wds"));
    try (LocalServer server = new LocalServer(ServerOptions.builder().port(0).workers(2)
        .exportRoot(dir.resolve("exports")).builtin(new BuiltinConfig(64, 64, 4, 6, 10, "", "",
            "")).device(OnnxDepthModel.Device.CPU).build())) {
      String stream = server.streamDigest("builtin", 11, 37, 413);
      assertEquals(stream, npy.digest());
      assertEquals(stream, wds.digest());
    }
    assertEquals(4, npy.shards());
    assertEquals(FileTrees.tree(serverDir(request(builtin(), ExportFormat.NPY, 37, 413, "npy"),
        "npy")), FileTrees.tree(dir.resolve("npy")));
  }

  @Test
  void aRandomSubsetIsTheServersExportFileForFile() throws Exception {
    for (ExportFormat f : List.of(ExportFormat.ZIP, ExportFormat.NPY)) {
      SparkExport.Request r = new SparkExport.Request(builtin(), 11, 20, 0, 3, 90, f,
          dir.resolve("sample-" + f.id()).toUri().toString(), false, 40, 90, false, 1);
      SparkExport.Result res = SparkExport.run(sc, r);
      assertEquals(90, res.samples());
      ExportManifest server = serverExport(r, "sample-" + f.id());
      assertEquals(server.getDigest(), res.digest());
      assertEquals(90, server.getSample());
      assertEquals(FileTrees.tree(dir.resolve("server").resolve("sample-" + f.id())),
          FileTrees.tree(dir.resolve("sample-" + f.id())), f + ": Spark's files differ");
    }
  }

  @Test
  void aDestinationWithASpaceAndAnAccentGetsTheFilesOfAPlainOne() throws Exception {
    // The tasks once got the driver's decoded path back as a URI: every one of them failed.
    SparkExport.Request plain = request(builtin(), ExportFormat.NPY, 0, 250, "plain");
    SparkExport.Result p = SparkExport.run(sc, plain);
    SparkExport.Request spaced = request(builtin(), ExportFormat.NPY, 0, 250, "sp ace \u00e9");
    assertTrue(spaced.dest().contains("sp%20ace%20%C3%A9"), spaced.dest());
    SparkExport.Result s = SparkExport.run(sc, spaced);
    assertEquals(p.digest(), s.digest());
    assertEquals(FileTrees.tree(dir.resolve("plain")),
        FileTrees.tree(dir.resolve("sp ace \u00e9")));
  }

  private Path serverDir(SparkExport.Request r, String dest) {
    serverExport(r, dest);
    return dir.resolve("server").resolve(dest);
  }

  @Test
  void aTaskThatFailsOnItsFirstAttemptIsRetriedAndTheFilesAreIdentical() throws Exception {
    DatasetSource s = folder(dir.resolve("assets"));
    for (ExportFormat f : new ExportFormat[] {ExportFormat.FOLDERS, ExportFormat.WEBDATASET}) {
      SparkExport.Request r = request(s, f, 0, 360, f.id());
      String key = "retry-" + f.id();
      SparkExport.Result res = SparkExport.run(sc, r, s, (shard, attempt, done) -> {
        if (shard.equals(f.perBackground() ? "bg_001" : "shard-000001") && attempt == 0
            && done >= 16) {
          FAILED.add(key);
          throw new IllegalStateException("injected failure of the first attempt");
        }
      });
      assertTrue(FAILED.contains(key), "the first attempt did fail");
      assertEquals(res.shards(), res.written());
      assertEquals(serverExport(r, f.id()).getDigest(), res.digest());
      assertEquals(FileTrees.tree(dir.resolve("server").resolve(f.id())),
          FileTrees.tree(dir.resolve(f.id())), f + ": the retried shard left other files");
    }
  }

  @Test
  void aRerunSkipsCompleteShardsAndRedoesOnlyADamagedOne() throws Exception {
    SparkExport.Request r = request(builtin(), ExportFormat.WEBDATASET, 0, 480, "again");
    SparkExport.Result first = SparkExport.run(sc, r);
    Map<String, String> files = FileTrees.tree(dir.resolve("again"));
    SparkExport.Result second = SparkExport.run(sc, r);
    assertEquals(0, second.written());
    assertEquals(first.shards(), second.skipped());
    Path tar = dir.resolve("again/shard-000002.tar");
    byte[] b = Files.readAllBytes(tar);
    b[b.length / 2] ^= 1;
    Files.write(tar, b);
    SparkExport.Result third = SparkExport.run(sc, r);
    assertEquals(1, third.written(), "only the damaged shard is redone");
    assertEquals(first.digest(), third.digest());
    assertEquals(files, FileTrees.tree(dir.resolve("again")));
  }

  @Test
  void aFailedJobResumesFromTheShardsItCompleted() throws Exception {
    DatasetSource s = folder(dir.resolve("assets"));
    SparkExport.Request r = request(s, ExportFormat.ZIP, 0, 360, "resume");
    // bg_002 fails once bg_000 and bg_001 are marked done: failing sooner would have Spark
    // stop a task still running beside it, leaving fewer shards to resume from.
    String markers = dir.resolve("resume").toString();
    SparkException e = assertThrows(SparkException.class, () -> SparkExport.run(sc, r, s,
        (shard, attempt, done) -> {
          if (shard.equals("bg_002")) {
            awaitMarked(markers, "bg_000", "bg_001");
            throw new IllegalStateException("bg_002 cannot be written");
          }
        }));
    assertTrue(SparkMain.reason(e).contains("bg_002 cannot be written"), SparkMain.reason(e));
    assertTrue(Files.exists(dir.resolve("resume").resolve(ExportTask.marker("bg_000"))),
        "the shards done before the failure are marked");
    SparkExport.Result resumed = SparkExport.run(sc, r);
    assertTrue(resumed.skipped() >= 2, resumed.toString());
    assertEquals(serverExport(r, "resume").getDigest(), resumed.digest());
    assertEquals(FileTrees.tree(dir.resolve("server/resume")), FileTrees.tree(dir.resolve(
        "resume")));
    assertFalse(Files.exists(dir.resolve("resume").resolve(ExportTask.MARKERS)));
  }

  /** Waits (at most 60 s) until {@code shards} are marked done under {@code dest}. */
  private static void awaitMarked(String dest, String... shards) {
    long end = System.nanoTime() + 60_000_000_000L;
    for (String shard : shards) {
      while (!Files.exists(Path.of(dest, ExportTask.marker(shard)))
          && System.nanoTime() < end) {
        LockSupport.parkNanos(10_000_000L);
      }
    }
  }

  @Test
  void anExecutorWithOtherAssetsFailsTheJobNamingTheDatasetAndBothFingerprints()
      throws Exception {
    DatasetSource driver = folder(dir.resolve("assets"));
    DatasetSource executors = folder(dir.resolve("elsewhere"));
    Fixtures.write(Fixtures.rgb(40, 30, 99), dir.resolve("elsewhere/bg/c.png"));
    String expected = driver.build(null).fingerprint();
    String other = executors.build(null).fingerprint();
    SparkException e = assertThrows(SparkException.class, () -> SparkExport.run(sc,
        request(driver, ExportFormat.WEBDATASET, 0, 100, "mismatch"), executors,
        SparkExport.ChunkHook.NONE));
    String msg = SparkMain.reason(e);
    assertTrue(msg.startsWith("dataset 'mine' has fingerprint " + other), msg);
    assertTrue(msg.contains("but " + expected + " on the driver"), msg);
  }
}
