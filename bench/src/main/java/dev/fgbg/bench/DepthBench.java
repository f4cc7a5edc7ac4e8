package dev.fgbg.bench;

import ai.onnxruntime.OrtEnvironment;
import dev.fgbg.client.BatchIterator;
import dev.fgbg.client.FgbgClient;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.depth.DepthModel;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.depth.OnnxSessions;
import dev.fgbg.v1.DepthModelStats;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.StreamEpochRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Depth throughput against a bare Python ONNX Runtime session on the same model, input batch and
 * session options ({@link PythonSession}), each comparison in interleaved rounds so that a
 * machine's changing load falls on both sides: fgbg's bare Java session; a server process's
 * teacher depth with a cold cache; warm-cache streaming against streaming without depth; and
 * layered mode's time to depth for the whole built-in dataset.
 */
@Command(name = "depth", mixinStandardHelpOptions = true,
    description = "Depth throughput: fgbg's session and server vs a bare Python ONNX Runtime "
        + "session, in interleaved rounds.")
final class DepthBench implements Callable<Integer> {
  static final String WEIGHTS_ENV = "FGBG_DEPTH_WEIGHTS";

  @Option(names = "--depth-model", description = "Model folder or config.json. Default: "
      + "models/fastdepth_nyu_224.")
  Path model = ServerProcess.inRepository("models/fastdepth_nyu_224");

  @Option(names = "--depth-weights", description = "The model's .onnx file. Default: "
      + "$FGBG_DEPTH_WEIGHTS, else the model folder's model.onnx.")
  Path weights;

  @Option(names = "--samples", description = "Samples per cold-cache round. Default: 1024.")
  int samples = 1024;

  @Option(names = "--rounds", description = "Interleaved rounds of each comparison. Default: 3.")
  int rounds = 3;

  @Option(names = "--seconds", description = "Seconds of each bare-session and warm-streaming "
      + "measurement. Default: 6.")
  double seconds = 6;

  @Option(names = "--device", description = "auto | cpu | cuda. Default: auto.")
  OnnxDepthModel.Device device = OnnxDepthModel.Device.AUTO;

  @Option(names = "--python", description = "A Python with onnxruntime (see bench/python/"
      + "bare_onnx.py for how to install it). Default: $FGBG_PYTHON, else python3.")
  String python = System.getenv().getOrDefault("FGBG_PYTHON", "python3");

  private final Ratios ratios = new Ratios();
  private double coldRate;

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
    List<DepthModel.Image> images = new ArrayList<>();
    for (int i = 0; i < config.maxBatch(); i++) {
      Background b = world.backgrounds().get(i % world.backgrounds().size());
      images.add(new DepthModel.Image(b.rgb(), 0, b.width(), b.height()));
    }
    Path rows = Files.createTempFile("fgbg-bench-depth", ".f32");
    PythonSession py = null;
    try (OnnxDepthModel m = OnnxDepthModel.load(config, device, threads)) {
      writeRows(m, images, rows);
      try {
        py = PythonSession.start(python, config.weights(), rows, m.inputShape(images.size()),
            m.inputName(), threads, OnnxSessions.CONFIG_ENTRIES, m.device().equals("cuda"));
      } catch (PythonSession.Unavailable e) {
        System.err.println("bare Python session: not measured (" + e.getMessage() + "); "
            + "install onnxruntime as bench/python/bare_onnx.py says, then --python PATH");
      }
      System.err.printf(Locale.ROOT, "model %s on %s, batch %d, %d intra-op threads; ONNX "
          + "Runtime Java %s, Python %s%n", config.name(), m.device(), images.size(), threads,
          OrtEnvironment.getEnvironment().getVersion(), py == null ? "-" : py.version());
      for (int r = 1; r <= rounds; r++) {
        double java = bare(m, images, seconds);
        double bare = py == null ? Double.NaN : py.rate(seconds);
        ratios.add("bare Java session / bare Python session", r, java, "Java", bare, "Python");
      }
      layered(config, m, world);
    }
    try {
      server(py);
    } finally {
      if (py != null) {
        py.close();
      }
      Files.deleteIfExists(rows);
    }
    ratios.summary();
    System.out.printf(Locale.ROOT, "samples/s: %.1f%n", coldRate);
    return 0;
  }

  /** The exact float32 rows fgbg's session is fed, for the Python session. */
  private static void writeRows(OnnxDepthModel m, List<DepthModel.Image> images, Path file)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      for (DepthModel.Image img : images) {
        float[] row = m.input(img);
        ByteBuffer b = ByteBuffer.allocate(row.length * Float.BYTES).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(row);
        out.write(b.array());
      }
    }
  }

  /** fgbg's session alone: fill, run, read, one batch after the other on this thread. */
  private static double bare(OnnxDepthModel m, List<DepthModel.Image> images, double seconds) {
    int h = images.get(0).height();
    int w = images.get(0).width();
    m.infer(images, h, w);
    int runs = 0;
    long t0 = System.nanoTime();
    while (runs < 3 || System.nanoTime() - t0 < seconds * 1e9) {
      m.infer(images, h, w);
      runs++;
    }
    return runs * images.size() / ((System.nanoTime() - t0) / 1e9);
  }

  /** Layered: the model runs once per background; then every sample has depth. */
  private static void layered(ModelConfig config, OnnxDepthModel m, AssetSet world)
      throws IOException {
    long t0 = System.nanoTime();
    try (DepthRuntime rt = DepthRuntime.create(config.name(), m.device(), m, config, 1 << 20,
        null, 0)) {
      rt.layered(world);
      System.err.printf(Locale.ROOT, "layered: depth for all %,d built-in samples after %.2f s "
          + "(%d inferences)%n", 400_000L, (System.nanoTime() - t0) / 1e9, rt.stats().inferred());
    }
  }

  private void server(PythonSession py) throws Exception {
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
      for (int r = 1; r <= rounds; r++) {
        DepthModelStats before = c.serverStats().getDepth(0);
        long t0 = System.nanoTime();
        double cold = stream(c, (long) (r - 1) * samples, samples, true);
        double secs = (System.nanoTime() - t0) / 1e9;
        DepthModelStats after = c.serverStats().getDepth(0);
        double bare = py == null ? Double.NaN : py.rate(seconds);
        long n = after.getInferences() - before.getInferences();
        System.err.printf(Locale.ROOT, "  round %d: %d inferences in %d runs (mean batch %.1f), "
            + "model busy %.2f s of %.2f s, queue delay mean %.0f ms%n", r, n,
            after.getRuns() - before.getRuns(), (double) n / Math.max(1, after.getRuns()
                - before.getRuns()), after.getInferenceSeconds() - before.getInferenceSeconds(),
            secs, (after.getMeanQueueDelayMs() * after.getInferences()
                - before.getMeanQueueDelayMs() * before.getInferences()) / Math.max(1, n));
        ratios.add("server cold teacher / bare Python session", r, cold, "cold", bare, "Python");
        coldRate += cold / rounds;
      }
      for (int r = 1; r <= rounds; r++) {
        double warm = streamFor(c, true);
        double none = streamFor(c, false);
        ratios.add("warm-cache streaming / streaming without depth", r, warm, "warm", none,
            "no depth");
      }
    }
  }

  /** Streams the first round's samples again and again for {@code seconds}: samples/s. */
  private double streamFor(FgbgClient c, boolean depth) {
    long got = 0;
    long t0 = System.nanoTime();
    while (got == 0 || System.nanoTime() - t0 < seconds * 1e9) {
      got += count(c, 0, samples, depth);
    }
    return got / ((System.nanoTime() - t0) / 1e9);
  }

  private static double stream(FgbgClient c, long start, long n, boolean depth) {
    long t0 = System.nanoTime();
    long got = count(c, start, n, depth);
    return got / ((System.nanoTime() - t0) / 1e9);
  }

  private static long count(FgbgClient c, long start, long n, boolean depth) {
    StreamEpochRequest.Builder r = StreamEpochRequest.newBuilder().setDataset("builtin")
        .setBatchSize(64).setStartPosition(start).setLimit(n);
    if (!depth) {
      r.addOutputs(Output.OUTPUT_IMAGE).addOutputs(Output.OUTPUT_MASK).addOutputs(Output.OUTPUT_META);
    }
    long got = 0;
    try (BatchIterator it = c.streamEpoch(r.build())) {
      while (it.hasNext()) {
        got += it.next().size();
      }
    }
    return got;
  }

  /** Rates side by side per round, and each comparison's median ratio at the end. */
  private static final class Ratios {
    private final Map<String, List<Double>> byName = new LinkedHashMap<>();

    void add(String name, int round, double a, String aName, double b, String bName) {
      System.err.printf(Locale.ROOT, "%s, round %d: %s %.1f/s, %s %.1f/s, ratio %.3f%n", name,
          round, aName, a, bName, b, a / b);
      if (!Double.isNaN(b)) {
        byName.computeIfAbsent(name, k -> new ArrayList<>()).add(a / b);
      }
    }

    void summary() {
      byName.forEach((name, rs) -> {
        List<Double> sorted = rs.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "ratio %s: %.3f (median of %s)%n", name,
            sorted.get(sorted.size() / 2), rs.stream().map(v -> String.format(Locale.ROOT,
                "%.3f", v)).toList());
      });
    }
  }
}
