package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Depth models that the tester found to crash or flood the log, through the real service: a
 * graph with a fixed batch of 1 under a config of maxBatch 8, and a model that ONNX Runtime
 * refuses to run at request time.
 */
class ModelFaultsThroughServerTest {
  @TempDir
  Path dir;

  private static List<SampleBatch> stream(ManagedChannel ch, String dataset) {
    List<SampleBatch> out = new ArrayList<>();
    FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(120, TimeUnit.SECONDS)
        .streamEpoch(StreamEpochRequest.newBuilder().setDataset(dataset).setSeed(4)
            .setShuffle(true).setBatchSize(10).build()).forEachRemaining(out::add);
    return out;
  }

  @Test
  void aGraphWithABatchFixedAtOneWarmsUpAndServesUnderAConfigOfEight() throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepthBatch(model, 1);
    TinyOnnx.config(model, "\"padBatches\": true"); // maxBatch 8, as the MiDaS config had
    ServerOptions o = ServerOptions.builder().workers(2).exportRoot(dir.resolve("exports"))
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, "", "", ""))
        .device(OnnxDepthModel.Device.CPU)
        .datasets(List.of(FolderDatasetConfig.newBuilder().setName("mine")
            .setBg(dir.resolve("bg").toString()).setFg(dir.resolve("fg").toString())
            .setSize("32").setDepthModel(model.toString()).build())).build();
    String name = InProcessServerBuilder.generateName();
    try (LogCapture log = new LogCapture()) {
      FgbgApplication app = FgbgApplication.create(o).start(InProcessServerBuilder.forName(name));
      ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
      try {
        app.warm().get(60, TimeUnit.SECONDS);
        List<SampleBatch> batches = stream(ch, "mine");
        assertTrue(batches.stream().allMatch(b -> !b.getDepth().isEmpty()));
      } finally {
        ch.shutdownNow();
        app.close();
      }
      log.assertNoTraces();
      assertEquals(1, log.records().stream().filter(r -> r.getMessage().equals("depth model "
          + "'tiny' takes batches of exactly 1 (fixed in the graph); maxBatch 8 lowered to 1"))
          .count());
    }
  }

  /** The tiny built-in world with its exact depth removed, as a folder dataset would be. */
  private static AssetSet plain() {
    AssetSet a = TestDatasets.tiny().assets();
    List<Background> bgs = a.backgrounds().stream().map(b -> new Background(b.name(), b.label(),
        b.width(), b.height(), b.rgb(), null, null, 0)).toList();
    return new AssetSet(a.width(), a.height(), bgs, a.foregrounds(), a.backgroundLabels(),
        a.foregroundLabels(), "none");
  }

  @Test
  void aRunTheRuntimeRefusesIsAStatusNamingTheModelAndOneLogLine() throws Exception {
    Path model = dir.resolve("model");
    TinyOnnx.failsAtRun(model);
    TinyOnnx.config(model, "");
    ModelConfig config = ModelConfig.load(model, null);
    OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 2);
    try (LogCapture log = new LogCapture();
        DepthRuntime rt = DepthRuntime.create("tiny", m.device(), m, config, 64 << 20,
            dir.resolve("cache"), 1L << 30)) {
      Dataset teacher = new Dataset("teach", plain(), TestDatasets.tiny().spec(), rt.teacher());
      try (TestServer s = TestServer.inProcess(new DatasetRegistry(List.of(teacher)), 2)) {
        for (int attempt = 0; attempt < 2; attempt++) {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
              () -> stream(s.channel(), "teach"));
          assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
          String why = e.getStatus().getDescription();
          assertTrue(why.startsWith("depth model 'tiny' failed on a batch of "), why);
          assertTrue(why.contains("Gather"), why);
          assertFalse(why.contains("\n") || why.contains("internal error"), why);
        }
        assertEquals(0, rt.diskBytes(), "nothing reached the disk tier");
      }
      log.assertNoTraces();
      List<String> warnings = log.records().stream()
          .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(LogCapture::line).toList();
      List<String> failed = warnings.stream().filter(l -> l.contains("failed on a batch of"))
          .toList();
      assertEquals(1, failed.size(), "one line for every failed batch of the minute: "
          + warnings);
      assertTrue(failed.get(0).contains("WARNING: depth model 'tiny' failed on a batch of ")
          && failed.get(0).contains("later ones are counted"), failed.get(0));
    }
  }
}
