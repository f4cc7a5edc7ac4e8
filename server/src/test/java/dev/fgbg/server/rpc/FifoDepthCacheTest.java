package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIFOs in place of depth records on disk (a real ONNX model, a real server, real mkfifo): as
 * many as the server has workers once stopped all its serving, each worker blocked opening one.
 * They are recomputed like corrupt records, never opened, and the samples are the same bytes.
 */
@ExtendWith(LogCapture.Clean.class)
class FifoDepthCacheTest {
  @TempDir
  Path dir;

  private DepthRuntime runtime(Path cache) throws Exception {
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    ModelConfig config = ModelConfig.load(model, null);
    OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 2);
    return DepthRuntime.create("tiny", m.device(), m, config, 64 << 20, cache, 1L << 30);
  }

  private static Dataset teacher(DepthRuntime rt) {
    AssetSet a = TestDatasets.tiny().assets();
    List<Background> bgs = a.backgrounds().stream().map(b -> new Background(b.name(), b.label(),
        b.width(), b.height(), b.rgb(), null, null, 0)).toList();
    AssetSet plain = new AssetSet(a.width(), a.height(), bgs, a.foregrounds(),
        a.backgroundLabels(), a.foregroundLabels(), "none");
    return new Dataset("teach", plain, TestDatasets.tiny().spec(), rt.teacher());
  }

  private static String digest(TestServer s) {
    SampleDigest d = new SampleDigest();
    FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(120, TimeUnit.SECONDS)
        .streamEpoch(StreamEpochRequest.newBuilder().setDataset("teach").setSeed(4)
            .setBatchSize(10).build()).forEachRemaining((SampleBatch b) -> d.add(
                b.getIndicesList(), b.getImages(), b.getMasks(), b.getDepth()));
    return d.hex();
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a guard: FIFOs hang
  void fifosInPlaceOfRecordsAreRecomputedAndServingGoesOn() throws Exception {
    Path cache = dir.resolve("cache");
    String first;
    try (DepthRuntime rt = runtime(cache);
         TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher(rt))), 2)) {
      first = digest(s);
    }
    List<Path> records;
    try (Stream<Path> w = Files.walk(cache)) {
      records = w.filter(p -> p.toString().endsWith(".depth")).sorted().limit(2).toList();
    }
    for (Path r : records) {
      Files.delete(r);
      assertEquals(0, new ProcessBuilder("mkfifo", r.toString()).inheritIO().start().waitFor());
    }
    try (DepthRuntime rt = runtime(cache);
         TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher(rt))), 2)) {
      assertEquals(first, digest(s), "the same bytes, two of them recomputed");
      assertEquals(2, rt.stats().snapshot().inferred(), "the FIFOs' samples, recomputed");
      assertEquals(2, rt.stats().snapshot().diskCorrupt(), "counted as corrupt records");
    }
    for (Path r : records) {
      assertEquals(true, Files.isRegularFile(r), r + " written again as a record");
    }
  }
}
