package dev.fgbg.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FileTrees;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.depth.DepthKey;
import dev.fgbg.core.depth.DepthRecord;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.core.depth.DepthStore;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.DepthModelStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The depth job in local mode with a generated ONNX model, and a real server on the depth store
 * it wrote: the teacher-mode bytes with no inference (ServerStats), the model only for what the
 * store lacks.
 */
class SparkDepthTest {
  private static JavaSparkContext sc;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    sc = SparkJobs.context("local[2]", "fgbg-spark-depth-test");
  }

  @AfterAll
  static void stop() {
    sc.close();
  }

  /** The tiny model (depth = (R + 2G + 4B + 1) / 256) over the built-in world's 32x32 images. */
  private Path model() {
    Path m = dir.resolve("model");
    TinyOnnx.linearDepth(m);
    TinyOnnx.config(m, "");
    return m;
  }

  /** 4 bg x 5 fg x 2 x 3 = 120 samples of 32x32 with the model's teacher depth. */
  private static DatasetSource source(Path model) {
    return new DatasetSource("builtin", null, "", "32", 3, "4:5", model.toString(), "", "",
        "cpu");
  }

  private ServerOptions.Builder server(Path model) {
    return ServerOptions.builder().port(0).workers(2).exportRoot(dir.resolve("exports"))
        .builtin(new BuiltinConfig(32, 32, 3, 4, 5, model.toString(), "", ""))
        .device(OnnxDepthModel.Device.CPU);
  }

  @Test
  void aServerOnTheStoreGivesTheTeacherDigestWithNoInference() throws Exception {
    Path model = model();
    Path store = dir.resolve("store");
    SparkDepth.Result r = SparkDepth.run(sc, new SparkDepth.Request(source(model), 2, 0, 100, 30,
        store.toUri().toString(), 1));
    assertEquals(4, r.shards());
    assertEquals(100, r.images());
    String teacher;
    try (LocalServer plain = new LocalServer(server(model).build())) {
      teacher = plain.streamDigest("builtin", 2, 0, 100);
      assertEquals(100, plain.depthStats().getInferences(), "the model ran per sample");
    }
    try (LocalServer stored = new LocalServer(server(model).depthStore(store).build())) {
      assertEquals(teacher, stored.streamDigest("builtin", 2, 0, 100));
      DepthModelStats after = stored.depthStats();
      // The start-up warm-up was counted: "inferences: 16, runs: 1" with every sample stored.
      assertEquals(List.of(0L, 0L), List.of(after.getInferences(), after.getRuns()),
          "no inference for the stream");
      assertEquals(100, after.getStoreHits());
      // The store covers [0, 100): the rest of the dataset falls back to the model.
      stored.streamDigest("builtin", 2, 90, 120);
      assertEquals(20, stored.depthStats().getInferences() - after.getInferences());
      assertEquals(100, stored.depthStats().getStoreHits(), "[90, 100) came from memory");
    }
  }

  @Test
  void theStoreHoldsTheModelsDepthAndARerunRedoesOnlyADamagedShard() throws Exception {
    Path model = model();
    Path store = dir.resolve("store");
    SparkDepth.Request req = new SparkDepth.Request(source(model), 0, 10, 70, 25,
        store.toUri().toString(), 2);
    SparkDepth.run(sc, req);
    Dataset d;
    try (DepthRuntimes models = SparkJobs.driverModels(source(model))) {
      d = source(model).build(models);
    }
    String fp = d.fingerprint();
    Path folder = store.resolve(DepthStore.folder(fp, 0));
    try (var files = Files.list(folder)) {
      assertEquals(3, files.count(), "[10, 35), [35, 60), [60, 70) and nothing else");
    }
    Path shard = folder.resolve(DepthStore.shardFile(35, 60));
    byte[] bytes = Files.readAllBytes(shard);
    int len = bytes.length / 25;
    DepthMap m = DepthRecord.decode(new DepthKey(fp, 0, 40), bytes, 5 * len, len);
    assertNotNull(m, "record 40 is where the reader looks for it");
    float[] v = m.values();
    byte[] img = Renderer.renderNow(d, 0, new long[] {40}, new Outputs(true, false, false, false),
        DepthEncoding.FLOAT16).images();
    for (int p = 0; p < 32 * 32; p++) {
      float out = TinyOnnx.linear(img[3 * p] & 255, img[3 * p + 1] & 255, img[3 * p + 2] & 255);
      assertEquals(DepthMap.rounded(new float[] {out}).values()[0], v[p],
          "the model's depth of composite 40 as served (float16), pixel " + p);
    }
    SparkDepth.Result again = SparkDepth.run(sc, req);
    assertEquals(0, again.written());
    bytes[bytes.length - 2] ^= 1;
    Files.write(shard, bytes);
    SparkDepth.Result redo = SparkDepth.run(sc, req);
    assertEquals(1, redo.written(), "only the damaged shard is recomputed");
    assertEquals(2, redo.skipped());
    byte[] fixed = Files.readAllBytes(shard);
    bytes[bytes.length - 2] ^= 1;
    assertArrayEquals(bytes, fixed, "recomputed to the same bytes");
  }

  @Test
  void aStoreWithASpaceAndAnAccentGivenAsAPlainPathOrAUriGetsTheSameFiles() throws Exception {
    Path model = model();
    Path plain = dir.resolve("plain");
    Path spaced = dir.resolve("d space \u00e9");
    SparkDepth.run(sc, new SparkDepth.Request(source(model), 0, 0, 40, 25,
        plain.toUri().toString(), 1));
    SparkDepth.run(sc, new SparkDepth.Request(source(model), 0, 0, 40, 25, spaced.toString(), 1));
    assertEquals(FileTrees.tree(plain), FileTrees.tree(spaced));
    SparkDepth.Result again = SparkDepth.run(sc, new SparkDepth.Request(source(model), 0, 0, 40,
        25, spaced.toUri().toString(), 1));
    assertEquals(2, again.skipped(), "the URI names the same folder as the plain path");
  }

  @Test
  void aRerunSweepsAKilledAttemptsTemporariesOfItsShardsAndKeepsTheStore() throws Exception {
    Path model = model();
    Path store = dir.resolve("store");
    SparkDepth.Request req = new SparkDepth.Request(source(model), 0, 10, 70, 25,
        store.toUri().toString(), 1);
    SparkDepth.run(sc, req);
    String fp;
    try (DepthRuntimes models = SparkJobs.driverModels(source(model))) {
      fp = source(model).build(models).fingerprint();
    }
    Path folder = store.resolve(DepthStore.folder(fp, 0));
    var files = FileTrees.tree(folder);
    // What a kill -9 leaves: a shard's temporary under an attempt's tag (DepthTask's name).
    Path killed = folder.resolve(DepthStore.shardFile(35, 60) + "-7-0a1b2c3d.tmp");
    Files.write(killed, new byte[] {1, 2, 3});
    // Another job's range of the same store: maybe still being written, so it stays.
    Path other = folder.resolve(DepthStore.shardFile(500, 525) + "-3-0a1b2c3d.tmp");
    Files.write(other, new byte[] {4});
    SparkDepth.Result again = SparkDepth.run(sc, req);
    assertEquals(3, again.skipped());
    assertFalse(Files.exists(killed), "the killed attempt's temporary is swept");
    assertTrue(Files.exists(other), "another range's temporary is not this job's");
    Files.delete(other);
    assertEquals(files, FileTrees.tree(folder), "the store is intact");
  }
}
