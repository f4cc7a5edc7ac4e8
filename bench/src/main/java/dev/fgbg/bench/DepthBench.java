package dev.fgbg.bench;

import dev.fgbg.client.Batch;
import dev.fgbg.client.BatchIterator;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.depth.DepthModel;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.StreamEpochRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Depth throughput: a bare ONNX Runtime session at its best batch size, then the same model
 * through a server process (teacher mode, cold cache), warm-cache streaming against streaming
 * without depth, and layered mode's time to depth for the whole built-in dataset.
 */
@Command(name = "depth", mixinStandardHelpOptions = true,
    description = "Depth throughput through the server vs a bare ONNX Runtime session.")
final class DepthBench implements Callable<Integer> {
  static final String WEIGHTS_ENV = "FGBG_DEPTH_WEIGHTS";

  @Option(names = "--depth-model", description = "Model folder or config.json. Default: "
      + "models/fastdepth_nyu_224.")
  Path model = ServerProcess.inRepository("models/fastdepth_nyu_224");

  @Option(names = "--depth-weights", description = "The model's .onnx file. Default: "
      + "$FGBG_DEPTH_WEIGHTS, else the model folder's model.onnx.")
  Path weights;

  @Option(names = "--samples", description = "Samples through the server. Default: 1536.")
  int samples = 1536;

  @Option(names = "--device", description = "auto | cpu | cuda. Default: auto.")
  OnnxDepthModel.Device device = OnnxDepthModel.Device.AUTO;

  @Override
  public Integer call() throws Exception {
    if (weights == null && System.getenv(WEIGHTS_ENV) != null) {
      weights = Path.of(System.getenv(WEIGHTS_ENV));
    }
    if (weights == null && !Files.exists(model.resolve("model.onnx"))) {
      System.err.println("fgbg bench depth: no weights: give --depth-weights PATH or set "
          + WEIGHTS_ENV + " (" + model.resolve("README.md") + " says where to get them)");
      return 2;
    }
    int threads = Runtime.getRuntime().availableProcessors();
    ModelConfig config = ModelConfig.load(model, weights);
    AssetSet world = BuiltinWorld.create(224, 224);
    double bare = 0;
    int bestBatch = 1;
    try (OnnxDepthModel m = OnnxDepthModel.load(config, device, threads)) {
      for (int batch : new int[] {1, 4, 8, 16}) {
        double rate = bare(m, world, batch);
        System.err.printf(Locale.ROOT, "bare session, batch %2d: %.1f images/s%n", batch, rate);
        if (rate > bare) {
          bare = rate;
          bestBatch = batch;
        }
      }
      // Layered: the model runs once per background; then every sample has depth.
      long t0 = System.nanoTime();
      try (DepthRuntime rt = DepthRuntime.create(config.name(), m.device(), m, config, 1 << 20,
          null, 0)) {
        rt.layered(world);
        System.err.printf(Locale.ROOT, "layered: depth for all %,d built-in samples after %.2f s "
            + "(%d inferences)%n", 400_000L, (System.nanoTime() - t0) / 1e9,
            rt.stats().inferred());
      }
    }
    List<String> args = new ArrayList<>(List.of("--depth-model", model.toString(), "--device",
        device.name().toLowerCase(Locale.ROOT)));
    if (weights != null) {
      args.addAll(List.of("--depth-weights", weights.toString()));
    }
    Path jar = ServerProcess.inRepository("server/target/fgbg-server.jar");
    try (ServerProcess server = new ServerProcess(jar, args);
        FgbgClient c = FgbgClient.builder().target("localhost:" + server.port()).build()) {
      // Warm the JIT and the synthesis caches on samples the measurement does not use.
      stream(c, 390_000, 256, true);
      long t0 = System.nanoTime();
      double cold = stream(c, 0, samples, true);
      double coldSecs = (System.nanoTime() - t0) / 1e9;
      var st = c.serverStats().getDepth(0);
      System.err.printf(Locale.ROOT, "server depth: %d inferences in %d runs (mean batch %.1f), "
          + "%.2f s inside the model of %.2f s streaming, queue delay mean %.1f ms%n",
          st.getInferences(), st.getRuns(), st.getMeanBatch(), st.getInferenceSeconds(), coldSecs,
          st.getMeanQueueDelayMs());
      double warm = stream(c, 0, samples, true);
      double none = stream(c, 0, samples, false);
      System.err.printf(Locale.ROOT, "server, cold cache (teacher): %.1f samples/s = %.0f%% of the "
          + "bare session's %.1f at batch %d%n", cold, 100 * cold / bare, bare, bestBatch);
      System.err.printf(Locale.ROOT, "server, warm cache: %.1f samples/s = %.0f%% of streaming "
          + "without depth (%.1f samples/s)%n", warm, 100 * warm / none, none);
      System.out.printf(Locale.ROOT, "samples/s: %.1f%n", cold);
    }
    return 0;
  }

  private static double bare(OnnxDepthModel m, AssetSet world, int batch) {
    List<Background> bgs = world.backgrounds();
    List<DepthModel.Image> images = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      Background b = bgs.get(i % bgs.size());
      images.add(new DepthModel.Image(b.rgb(), 0, b.width(), b.height()));
    }
    m.infer(images, 224, 224);
    int runs = Math.max(3, 96 / batch);
    long t0 = System.nanoTime();
    for (int r = 0; r < runs; r++) {
      m.infer(images, 224, 224);
    }
    return runs * batch / ((System.nanoTime() - t0) / 1e9);
  }

  private static double stream(FgbgClient c, long start, long n, boolean depth) {
    StreamEpochRequest.Builder r = StreamEpochRequest.newBuilder().setDataset("builtin")
        .setBatchSize(64).setStartPosition(start).setLimit(n);
    if (!depth) {
      r.addOutputs(Output.OUTPUT_IMAGE).addOutputs(Output.OUTPUT_MASK).addOutputs(Output.OUTPUT_META);
    }
    long t0 = System.nanoTime();
    long got = 0;
    try (BatchIterator it = c.streamEpoch(r.build())) {
      while (it.hasNext()) {
        Batch b = it.next();
        got += b.size();
      }
    }
    return got / ((System.nanoTime() - t0) / 1e9);
  }
}
