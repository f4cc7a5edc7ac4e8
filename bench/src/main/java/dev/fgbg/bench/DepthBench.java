package dev.fgbg.bench;

import ai.onnxruntime.OrtEnvironment;
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
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
  int roundCount = 3;

  @Option(names = "--seconds", description = "Seconds of each bare-session and warm-streaming "
      + "measurement. Default: 6.")
  double seconds = 6;

  @Option(names = "--reader", description = "How warm streams are read: client (the Java "
      + "client, which copies each batch out of its ring slot) or views (the slot read in place, "
      + "as the Python client and a GPU trainer do). Default: client.")
  String reader = "client";

  @Option(names = "--sessions", description = "The server's --depth-sessions, and a second bare "
      + "Python measurement with as many sessions sharing the threads. Default: 2 (1 on one "
      + "core or CUDA), the server's own default.")
  Integer sessions;

  @Option(names = "--device", description = "auto | cpu | cuda. Default: auto.")
  OnnxDepthModel.Device device = OnnxDepthModel.Device.AUTO;

  @Option(names = "--python", description = "A Python with onnxruntime (see bench/python/"
      + "bare_onnx.py for how to install it). Default: $FGBG_PYTHON, else python3.")
  String python = System.getenv().getOrDefault("FGBG_PYTHON", "python3");

  @Mixin
  ServerJar serverJar;

  private final Rounds rounds = new Rounds();
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
    OnnxDepthModel m = OnnxDepthModel.load(config, device, threads, 1);
    if (sessions == null) {
      sessions = m.device().equals("cuda") ? 1 : Math.min(2, threads);
    }
    try (PythonSession py = startPython(m, images, rows, 1);
        PythonSession pyShared = sessions > 1 ? startPython(m, images, rows, sessions) : null) {
      System.err.printf(Locale.ROOT, "model %s on %s, batch %d, %d intra-op threads; ONNX "
          + "Runtime Java %s, Python %s; the server runs %d session(s) sharing the threads%n",
          config.name(), m.device(), images.size(), threads,
          OrtEnvironment.getEnvironment().getVersion(), py == null ? "-" : py.version(),
          sessions);
      try (m) {
        for (int r = 1; r <= roundCount; r++) {
          Rounds.Side java = bare(m, images, seconds);
          rounds.add("bare Java session / bare Python session", r, java, python(py));
        }
        layered(config, m, world);
      }
      server(py, pyShared);
    } finally {
      m.close();
      Files.deleteIfExists(rows);
    }
    rounds.summary();
    System.out.printf(Locale.ROOT, "samples/s: %.1f%n", coldRate);
    return 0;
  }

  /**
   * The Python session on the exact float32 rows fgbg's session is fed ({@code rows}), or null
   * (said why) when there is none.
   */
  private PythonSession startPython(OnnxDepthModel m, List<DepthModel.Image> images, Path rows,
      int count) throws IOException {
    writeRows(m, images, rows);
    try {
      return PythonSession.start(python, m.config().weights(), rows,
          m.inputShape(images.size()), m.inputName(), Runtime.getRuntime().availableProcessors(),
          count, OnnxSessions.CONFIG_ENTRIES, m.device().equals("cuda"));
    } catch (PythonSession.Unavailable e) {
      System.err.println("bare Python session: not measured (" + e.getMessage() + "); "
          + "install onnxruntime as bench/python/bare_onnx.py says, then --python PATH");
      return null;
    }
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
  private Rounds.Side bare(OnnxDepthModel m, List<DepthModel.Image> images, double secs) {
    int h = images.get(0).height();
    int w = images.get(0).width();
    m.infer(images, h, w);
    int runs = 0;
    double cpu0 = Rounds.ownCpuSeconds();
    long t0 = System.nanoTime();
    while (runs < 3 || System.nanoTime() - t0 < secs * 1e9) {
      m.infer(images, h, w);
      runs++;
    }
    double n = runs * images.size();
    return new Rounds.Side("Java", n / ((System.nanoTime() - t0) / 1e9),
        (Rounds.ownCpuSeconds() - cpu0) / n * 1e6);
  }

  /** The Python session's next measurement, or an unmeasured side without one (or no session). */
  private Rounds.Side python(PythonSession py) throws IOException {
    return py == null ? new Rounds.Side("Python", Double.NaN, Double.NaN) : py.rate(seconds);
  }

  /** Layered: the model runs once per background; then every sample has depth. */
  private static void layered(ModelConfig config, OnnxDepthModel m, AssetSet world) {
    long t0 = System.nanoTime();
    try (DepthRuntime rt = DepthRuntime.create(config.name(), m.device(), m, config, 1 << 20,
        null, 0)) {
      rt.layered(world);
      System.err.printf(Locale.ROOT, "layered: depth for all %,d built-in samples after %.2f s "
          + "(%d inferences)%n", 400_000L, (System.nanoTime() - t0) / 1e9,
              rt.stats().snapshot().inferred());
    }
  }

  private void server(PythonSession py, PythonSession pyShared) throws Exception {
    List<String> args = new ArrayList<>(serverJar.args);
    args.addAll(List.of("--depth-model", model.toString(), "--device",
        device.name().toLowerCase(Locale.ROOT), "--depth-sessions", sessions.toString()));
    if (weights != null) {
      args.addAll(List.of("--depth-weights", weights.toString()));
    }
    Path jar = serverJar.jar;
    try (ServerProcess server = new ServerProcess(jar, args);
        FgbgClient c = FgbgClient.builder().target("localhost:" + server.port()).build()) {
      // Warm the JIT and the synthesis caches on samples the measurement does not use.
      BuiltinStreams.count(c, 390_000, 256, true);
      for (int r = 1; r <= roundCount; r++) {
        // The Python session just before and just after the stream (which takes longer), so that
        // a change of load during the round falls on both sides.
        Rounds.Side pyBefore = python(py);
        Rounds.Side sharedBefore = python(pyShared);
        DepthModelStats before = c.serverStats().getDepth(0);
        long start = (long) (r - 1) * samples; // a range no earlier round has cached
        Rounds.Side cold = measure("cold", server,
            () -> BuiltinStreams.count(c, start, samples, true));
        DepthModelStats after = c.serverStats().getDepth(0);
        long n = after.getInferences() - before.getInferences();
        long runs = after.getRuns() - before.getRuns();
        System.err.printf(Locale.ROOT, "  server, round %d: %d inferences in %d runs (mean batch "
            + "%.1f), sessions busy %.2f s (summed) of %.2f s, queue delay mean %.0f ms%n", r, n,
            runs,
            (double) n / Math.max(1, runs), after.getInferenceSeconds()
                - before.getInferenceSeconds(), samples / cold.rate(),
            (after.getMeanQueueDelayMs() * after.getInferences()
                - before.getMeanQueueDelayMs() * before.getInferences()) / Math.max(1, n));
        Rounds.Side sharedAfter = python(pyShared);
        Rounds.Side pyAfter = python(py);
        rounds.add("server cold teacher / bare Python session", r, cold,
            Rounds.Side.mean("Python", pyBefore, pyAfter));
        if (pyShared != null) {
          rounds.add("server cold teacher / bare Python, " + sessions + " sessions sharing the "
              + "threads", r, cold, Rounds.Side.mean("Python", sharedBefore, sharedAfter));
        }
        coldRate += cold.rate() / roundCount;
      }
      // The same samples again (cached), against the same outputs from a server whose built-in
      // world has its exact depth (the same bytes, no model), and against no depth at all.
      try (ServerProcess exact = new ServerProcess(jar, serverJar.args);
          FgbgClient e = FgbgClient.builder().target("localhost:" + exact.port()).build()) {
        // Every path measured is warmed first for as long as a round (JIT, synthesis caches,
        // kept rings): a few streams left round 1 slower by 10–30 µs a sample.
        repeat(c, server.port(), false);
        repeat(c, server.port(), true);
        repeat(e, exact.port(), true);
        for (int r = 1; r <= roundCount; r++) {
          Rounds.Side none = measure("no depth", server, () -> repeat(c, server.port(), false));
          Rounds.Side warm = measure("warm", server, () -> repeat(c, server.port(), true));
          Rounds.Side same = measure("exact depth", exact, () -> repeat(e, exact.port(), true));
          rounds.add("warm-cache streaming / streaming without depth", r, warm, none);
          rounds.add("warm-cache streaming / the built-in world's exact depth", r, warm, same);
        }
      }
    }
  }

  /** Samples streamed by {@code work}: the rate, and CPU per sample of server and client. */
  private static Rounds.Side measure(String name, ServerProcess server, Streamed work) {
    Duration s0 = server.cpu();
    double c0 = Rounds.ownCpuSeconds();
    long t0 = System.nanoTime();
    long n = work.samples();
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu = s0 == null ? Double.NaN
        : server.cpu().minus(s0).toNanos() / 1e9 + Rounds.ownCpuSeconds() - c0;
    return new Rounds.Side(name, n / secs, cpu / n * 1e6);
  }

  private interface Streamed {
    long samples();
  }

  /**
   * Streams every sample the cold rounds cached, in streams as long as that (a stream's setup,
   * its shared-memory ring's first pages above all, is paid once per stream), for at least
   * {@code seconds}.
   */
  private long repeat(FgbgClient c, int port, boolean depth) {
    long got = 0;
    long t0 = System.nanoTime();
    while (got == 0 || System.nanoTime() - t0 < seconds * 1e9) {
      got += reader.equals("views") ? BuiltinStreams.views(port, cached(), depth)
          : BuiltinStreams.count(c, 0, cached(), depth);
    }
    return got;
  }

  private long cached() {
    return (long) roundCount * samples;
  }
}
