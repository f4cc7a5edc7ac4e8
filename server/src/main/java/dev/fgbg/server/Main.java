package dev.fgbg.server;

import com.google.protobuf.util.JsonFormat;
import dev.fgbg.server.dataset.Dataset;
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

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    List<Dataset> datasets = buildDatasets();
    DatasetRegistry registry = new DatasetRegistry(datasets);
    ExecutorService pool = workerPool(Math.max(1, workers));
    int w = window != null ? window : 2 * Math.max(1, workers);
    FgbgServer server = new FgbgServer(FgbgServer.netty(port), registry, pool, w, exportRoot)
        .start();
    LOG.info(String.format("fgbg listening on 0.0.0.0:%d (%d workers, window %d, export root %s)"
        + " after %.2f s", server.port(), workers, w, exportRoot.toAbsolutePath(),
        (System.nanoTime() - t0) / 1e9));
    for (Dataset d : datasets) {
      LOG.info(String.format("dataset %s: %,d samples = %d bg x %d fg x %d flips x %d placements,"
              + " %dx%d, depth %s, fingerprint %s", d.name(), d.size(), d.codec().backgrounds(),
          d.codec().foregrounds(), d.codec().flips(), d.codec().placements(), d.spec().height(),
          d.spec().width(), d.hasDepth() ? d.depthSource() + " (float16 metres)" : "none",
          d.fingerprint()));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      pool.shutdownNow();
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
    out.add(DatasetFactory.builtin(builtinSpec, bgs, fgs));
    if (!bg.isEmpty() || !fg.isEmpty()) {
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
      out.add(DatasetFactory.folder(c.build()));
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
        out.add(DatasetFactory.folder(c));
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
