package dev.fgbg.spark;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthModel;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.core.export.ExportFormat;
import dev.fgbg.core.export.ExportRoot;
import dev.fgbg.core.export.Exporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fgbg spark bench export|depth}: the Spark jobs in local mode with 1 and 2 executor
 * threads, against the server's own export (the core's Exporter on all cores) or a bare ONNX
 * Runtime session, all in one run, each after a warm-up on other samples. Prints the figures
 * and ratios; the last line is the local[2] rate.
 */
@Command(name = "fgbg spark bench", mixinStandardHelpOptions = true,
    subcommands = {SparkBench.ExportBench.class, SparkBench.DepthBench.class})
public final class SparkBench {
  public static void main(String[] args) {
    System.exit(new CommandLine(new SparkBench()).setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args));
  }

  private static final String[] MASTERS = {"local[1]", "local[2]"};

  private static DatasetSource builtin(String model, String weights) {
    return new DatasetSource("builtin", null, "", "224", 20, "100:100", model, weights, "",
        "cpu");
  }

  /** One measured job in a fresh context, writing under dest: {items, shards, seconds}. */
  private interface Job {
    double[] run(JavaSparkContext sc, String dest) throws IOException;
  }

  /** Runs {@code job} under each master and prints the rates and their ratios. */
  private static void report(Path root, String unit, String baseline, double base, Job job)
      throws IOException {
    double[] rate = new double[MASTERS.length];
    for (int m = 0; m < MASTERS.length; m++) {
      try (JavaSparkContext sc = SparkJobs.context(MASTERS[m], "fgbg bench")) {
        double[] r = job.run(sc, root.resolve("spark" + m).toUri().toString());
        rate[m] = r[0] / r[2];
        System.err.printf(Locale.ROOT, "spark %s: %.1f %s/s (%d shards, %.1f s)%n", MASTERS[m],
            rate[m], unit, (int) r[1], r[2]);
      }
    }
    System.err.printf(Locale.ROOT, "local[2] / local[1] = %.2f; local[2] / %s = %.2f%n",
        rate[1] / rate[0], baseline, rate[1] / base);
    System.out.printf(Locale.ROOT, "%s/s: %.1f%n", unit, rate[1]);
  }

  private static void delete(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Spark export (local[1], local[2]) vs the server's export, built-in 224x224.")
  static final class ExportBench implements Callable<Integer> {
    @Option(names = "--format", description = "Default: webdataset.")
    ExportFormat format = ExportFormat.WEBDATASET;

    @Option(names = "--limit", description = "Samples per measurement. Default: 8000.")
    int limit = 8000;

    @Option(names = "--dir", description = "Where to write (a temporary folder in it).")
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));

    @Override
    public Integer call() throws Exception {
      Path root = Files.createTempDirectory(dir, "fgbg-spark-bench");
      try {
        DatasetSource s = builtin("", "");
        Dataset d = s.build(null);
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = NamedThreads.fixedPool("bench-export", cores);
        double server;
        try {
          Exporter e = new Exporter(new ExportRoot(root.resolve("server")), pool, 2 * cores,
              Ticker.systemTicker());
          e.run(request(s, d.size() - 2000, d.size(), "warm").job(d), p -> { }, () -> false);
          long t0 = System.nanoTime();
          e.run(request(s, 0, limit, "run").job(d), p -> { }, () -> false);
          server = limit / ((System.nanoTime() - t0) / 1e9);
        } finally {
          pool.shutdownNow();
        }
        System.err.printf(Locale.ROOT, "server's export (%d threads): %.1f samples/s%n", cores,
            server);
        report(root, "samples", "server", server, (sc, dest) -> {
          SparkExport.run(sc, request(s, d.size() - 2000, d.size(), dest + "-warm"));
          SparkExport.Result r = SparkExport.run(sc, request(s, 0, limit, dest));
          return new double[] {r.samples(), r.shards(), r.seconds()};
        });
      } finally {
        delete(root);
      }
      return 0;
    }

    private SparkExport.Request request(DatasetSource s, long start, long end, String dest) {
      return new SparkExport.Request(s, 0, start, end, 0, 0, format, dest, false, 1000, 95, false,
          1);
    }
  }

  @Command(name = "depth", mixinStandardHelpOptions = true,
      description = "Spark depth job (local[1], local[2]) vs a bare ONNX Runtime session.")
  static final class DepthBench implements Callable<Integer> {
    @Option(names = "--depth-model", description = "Default: models/fastdepth_nyu_224 of the "
        + "repository ($FGBG_HOME, which the launcher sets).")
    String model = Path.of(System.getenv().getOrDefault("FGBG_HOME", "."))
        .resolve("models/fastdepth_nyu_224").toString();

    @Option(names = "--depth-weights", required = true, description = "The model's .onnx.")
    String weights;

    @Option(names = "--images", description = "Images per measurement. Default: 768.")
    int images = 768;

    @Option(names = "--dir", description = "Where to write (a temporary folder in it).")
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));

    @Override
    public Integer call() throws Exception {
      Path root = Files.createTempDirectory(dir, "fgbg-spark-bench");
      try {
        int cores = Runtime.getRuntime().availableProcessors();
        double bare = bare(cores);
        System.err.printf(Locale.ROOT, "bare session (%d threads, batch 16): %.1f images/s%n",
            cores, bare);
        DatasetSource s = builtin(model, weights);
        report(root, "images", "bare", bare, (sc, dest) -> {
          SparkDepth.run(sc, new SparkDepth.Request(s, 0, 300_000, 300_000 + 128, 64, dest, 1));
          SparkDepth.Result r = SparkDepth.run(sc, new SparkDepth.Request(s, 0, 0, images, 128,
              dest, 1));
          return new double[] {r.images(), r.shards(), r.seconds()};
        });
      } finally {
        delete(root);
      }
      return 0;
    }

    /** One session alone at batch 16 on background images, as ./fgbg bench depth measures. */
    private double bare(int cores) {
      ModelConfig config = ModelConfig.load(Path.of(model), Path.of(weights));
      Dataset world = builtin("", "").build(null);
      try (OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, cores,
          1)) {
        List<DepthModel.Image> batch = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          Background b = world.assets().backgrounds().get(i);
          batch.add(new DepthModel.Image(b.rgb(), 0, b.width(), b.height()));
        }
        m.infer(batch, 224, 224);
        int runs = Math.max(3, images / 16);
        long t0 = System.nanoTime();
        for (int r = 0; r < runs; r++) {
          m.infer(batch, 224, 224);
        }
        return runs * 16 / ((System.nanoTime() - t0) / 1e9);
      }
    }
  }
}
