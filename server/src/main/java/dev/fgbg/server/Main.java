package dev.fgbg.server;

import com.google.protobuf.util.JsonFormat;
import dev.fgbg.server.dataset.Dataset;
import dev.fgbg.server.depth.DepthRuntime;
import dev.fgbg.server.depth.ModelConfig;
import dev.fgbg.server.depth.OnnxDepthModel;
import dev.fgbg.server.dataset.DatasetRegistry;
import dev.fgbg.server.grpc.FgbgServer;
import dev.fgbg.server.spec.Spec;
import dev.fgbg.v1.FolderDatasetConfig;
import dev.fgbg.v1.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fgbg serve}: builds the datasets, starts the server, logs what it serves. */
@Command(name = "fgbg serve", mixinStandardHelpOptions = true,
    description = "Serve the built-in dataset, plus folder datasets, over gRPC.")
public final class Main implements Callable<Integer> {
  static {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format",
          "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    }
  }

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  @Option(names = "--port", description = "Port to listen on (0 picks a free one). Default: 50051.")
  int port = 50051;

  @Option(names = "--bg", description = "Folder of background images (sub-folders are labels).")
  String bg = "";

  @Option(names = "--fg", description = "Folder of foreground images with alpha.")
  String fg = "";

  @Option(names = "--fg-masks", description = "Folder of foreground masks, same file names.")
  String fgMasks = "";

  @Option(names = "--mask-from", description = "alpha (default) or luminance.")
  String maskFrom = "";

  @Option(names = "--name", description = "Name of the folder dataset. Default: folder.")
  String name = "";

  @Option(names = "--size", description = "Output size H or HxW. Default: 224.")
  String size = "";

  @Option(names = "--fg-scale", description = "Foreground height range MIN:MAX, as fractions of "
      + "the output height. Default: 0.3:0.6.")
  String fgScale = "";

  @Option(names = "--placements", description = "Placements per (bg, fg, flip). Default: 20.")
  Integer placements;

  @Option(names = "--no-flip", description = "Do not add horizontally flipped foregrounds.")
  boolean noFlip;

  @Option(names = "--position", description = "random (default) or fixed (bottom-right).")
  String position = "";

  @Option(names = "--mask-threshold", description = "Alpha at or above which the mask is 255. "
      + "Default: 128.")
  Integer maskThreshold;

  @Option(names = "--soft-mask", description = "Serve alpha as the mask instead of {0, 255}.")
  boolean softMask;

  @Option(names = "--config", description = "JSON file with several folder datasets "
      + "({\"datasets\": [{\"name\": …, \"bg\": …, \"fg\": …}]}); fields mirror these flags.")
  Path config;

  @Option(names = "--builtin-size", description = "Output size of the built-in dataset. Default: 224.")
  String builtinSize = "224";

  @Option(names = "--builtin-placements", description = "Placements of the built-in dataset. "
      + "Default: 20.")
  int builtinPlacements = 20;

  @Option(names = "--builtin-counts", description = "Backgrounds:foregrounds of the built-in "
      + "dataset (at most 100:100). Default: 100:100.")
  String builtinCounts = "100:100";

  @Option(names = "--export-root", description = "The only folder exports may write under "
      + "(created). Default: exports")
  Path exportRoot = Path.of("exports");

  @Option(names = "--depth-model", description = "A model folder (models/NAME) whose depth the "
      + "folder dataset gets (the built-in one when no --bg/--fg is given).")
  String depthModel = "";

  @Option(names = "--depth-weights", description = "model.onnx when it is not in the model folder.")
  String depthWeights = "";

  @Option(names = "--depth-mode", description = "teacher (the model runs on each composite, "
      + "default) or layered (once per background).")
  String depthMode = "";

  @Option(names = "--device", description = "auto (CUDA when present, default), cpu or cuda.")
  String device = "auto";

  @Option(names = "--cache-dir", description = "Disk tier of the depth cache (kept across "
      + "restarts; may be shared by several servers).")
  Path cacheDir;

  @Option(names = "--depth-cache-mb", description = "Memory tier of the depth cache. Default: 1024.")
  long depthCacheMb = 1024;

  @Option(names = "--disk-cache-gb", description = "Bound of the disk tier. Default: 50.")
  double diskCacheGb = 50;

  @Option(names = "--workers", description = "Render threads. Default: the number of cores.")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--window", description = "Chunks each stream renders ahead. Default: 2 x workers.")
  Integer window;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command; returns the exit code (the server blocks until it is stopped). */
  public static int run(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof FgbgException || e instanceof IllegalArgumentException) {
        System.err.println("fgbg: error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cl.execute(args);
  }

  private final java.util.Map<String, DepthRuntime> runtimes = new java.util.LinkedHashMap<>();
  private ExecutorService pool;

  /** One runtime (model, batcher, cache) per model and weights, shared by datasets. */
  DepthRuntime runtime(String model, String weights) {
    Path cfg = Path.of(model);
    Path w = weights.isEmpty() ? null : Path.of(weights);
    String key = cfg.toAbsolutePath().normalize() + "|" + (w == null ? "" : w.toAbsolutePath());
    return runtimes.computeIfAbsent(key, k -> {
      ModelConfig config = ModelConfig.load(cfg, w);
      OnnxDepthModel m = OnnxDepthModel.load(config, parseDevice(), Math.max(1, workers));
      try {
        return DepthRuntime.create(config.name(), m.device(), m, config, depthCacheMb << 20,
            cacheDir, (long) (diskCacheGb * 1e9));
      } catch (java.io.IOException e) {
        m.close();
        throw FgbgException.invalidConfig("depth cache folder " + cacheDir + " cannot be used: "
            + e.getMessage(), e);
      }
    });
  }

  private OnnxDepthModel.Device parseDevice() {
    return switch (device.toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> OnnxDepthModel.Device.AUTO;
      case "cpu" -> OnnxDepthModel.Device.CPU;
      case "cuda" -> OnnxDepthModel.Device.CUDA;
      default -> throw FgbgException.invalidConfig("--device '" + device
          + "' must be auto, cpu or cuda");
    };
  }

  private synchronized ExecutorService pool() {
    if (pool == null) {
      pool = workerPool(Math.max(1, workers));
    }
    return pool;
  }

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    List<Dataset> datasets = buildDatasets();
    DatasetRegistry registry = new DatasetRegistry(datasets);
    ExecutorService pool = pool();
    int w = window != null ? window : 2 * Math.max(1, workers);
    List<DepthRuntime> depth = List.copyOf(runtimes.values());
    FgbgServer server = new FgbgServer(FgbgServer.netty(port), registry, pool, w, exportRoot,
        depth).start(depth.isEmpty());
    if (!depth.isEmpty()) {
      Thread warm = new Thread(() -> {
        for (DepthRuntime r : depth) {
          long t = System.nanoTime();
          for (Dataset d : datasets) {
            if (d.teacher() != null) {
              r.warmUp(d.spec().height(), d.spec().width());
              break;
            }
          }
          LOG.info(String.format("depth model %s warm on %s after %.2f s; health SERVING",
              r.name(), r.device(), (System.nanoTime() - t) / 1e9));
        }
        server.serving();
      }, "fgbg-warmup");
      warm.setDaemon(true);
      warm.start();
      Thread report = new Thread(() -> {
        String last = "";
        while (true) {
          try {
            Thread.sleep(30_000);
          } catch (InterruptedException e) {
            return;
          }
          for (DepthRuntime r : depth) {
            String now = r.stats().toString();
            if (!now.equals(last)) {
              LOG.info("depth " + r.name() + ": " + now);
              last = now;
            }
          }
        }
      }, "fgbg-depth-report");
      report.setDaemon(true);
      report.start();
    }
    LOG.info(String.format("fgbg listening on 0.0.0.0:%d (%d workers, window %d, export root %s)"
        + " after %.2f s", server.port(), workers, w, exportRoot.toAbsolutePath(),
        (System.nanoTime() - t0) / 1e9));
    for (Dataset d : datasets) {
      LOG.info(String.format("dataset %s: %,d samples = %d bg x %d fg x %d flips x %d placements,"
              + " %dx%d, depth %s, fingerprint %s", d.name(), d.size(), d.codec().backgrounds(),
          d.codec().foregrounds(), d.codec().flips(), d.codec().placements(), d.spec().height(),
          d.spec().width(), d.hasDepth() ? d.depthSource() + " (float16 " + d.depthUnits() + ")" : "none",
          d.fingerprint()));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      pool.shutdownNow();
      depth.forEach(DepthRuntime::close);
    }, "fgbg-shutdown"));
    server.awaitTermination();
    return 0;
  }

  List<Dataset> buildDatasets() throws IOException {
    List<Dataset> out = new ArrayList<>();
    int[] hw;
    String[] counts = builtinCounts.split(":");
    Spec builtinSpec;
    int bgs;
    int fgs;
    try {
      hw = DatasetFactory.size(builtinSize);
      builtinSpec = Spec.builder().size(hw[0], hw[1]).placements(builtinPlacements).build();
      bgs = Integer.parseInt(counts[0]);
      fgs = Integer.parseInt(counts[counts.length - 1]);
    } catch (IllegalArgumentException e) {
      throw FgbgException.invalidConfig("built-in dataset: " + e.getMessage(), e);
    }
    if (counts.length != 2 || bgs < 1 || bgs > 100 || fgs < 1 || fgs > 100) {
      throw FgbgException.invalidConfig("--builtin-counts '" + builtinCounts
          + "' must be B:F with each in [1, 100]");
    }
    boolean folder = !bg.isEmpty() || !fg.isEmpty();
    if (!folder && !depthModel.isEmpty()) {
      out.add(DatasetFactory.builtinWithModel(builtinSpec, bgs, fgs, depthModel, depthWeights,
          depthMode, this::runtime));
    } else {
      out.add(DatasetFactory.builtin(builtinSpec, bgs, fgs));
    }
    if (folder) {
      FolderDatasetConfig.Builder c = FolderDatasetConfig.newBuilder().setName(name).setBg(bg)
          .setFg(fg).setFgMasks(fgMasks).setMaskFrom(maskFrom).setSize(size).setFgScale(fgScale)
          .setPosition(position);
      if (placements != null) {
        c.setPlacements(placements);
      }
      if (noFlip) {
        c.setFlip(false);
      }
      if (maskThreshold != null) {
        c.setMaskThreshold(maskThreshold);
      }
      if (softMask) {
        c.setSoftMask(true);
      }
      c.setDepthModel(depthModel).setDepthWeights(depthWeights).setDepthMode(depthMode);
      out.add(DatasetFactory.folder(c.build(), this::runtime));
    }
    if (config != null) {
      ServerConfig.Builder sc = ServerConfig.newBuilder();
      String json;
      try {
        json = Files.readString(config);
      } catch (IOException e) {
        throw FgbgException.invalidConfig("cannot read config file " + config + ": "
            + e.getMessage(), e);
      }
      try {
        JsonFormat.parser().merge(json, sc);
      } catch (IOException | RuntimeException e) {
        throw FgbgException.invalidConfig("config file " + config + " is not valid: "
            + e.getMessage(), e);
      }
      for (FolderDatasetConfig c : sc.getDatasetsList()) {
        out.add(DatasetFactory.folder(c, this::runtime));
      }
    }
    return out;
  }

  /** The shared render pool: fixed size, daemon threads named fgbg-worker-N. */
  public static ExecutorService workerPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "fgbg-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }
}
