package dev.fgbg.spark;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.catalog.DatasetCatalog;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The flags both jobs take: which dataset, which range, where Spark runs. */
final class JobFlags {
  static final int MAX_TASK_THREADS = 1024;
  /**
   * The server's folder-dataset flags (its FolderFlags but --config, which a job takes too): a
   * job reads its folder datasets from a config file only.
   */
  static final Set<String> FOLDER_FLAGS = Set.of("--bg", "--fg", "--fg-masks", "--mask-from",
      "--name", "--size", "--fg-scale", "--placements", "--no-flip", "--position",
      "--ground-band", "--max-image-pixels", "--on-bad-file", "--mask-threshold", "--soft-mask");

  @Option(names = "--master", description = "Spark master, e.g. local[2]. Default: "
      + "spark-submit's, else local[*].")
  String master;

  @Option(names = "--config", description = "datasets.json defining the folder datasets (the "
      + "server's --config file). Asset paths must resolve on the executors too.")
  Path config;

  @Option(names = "--dataset", description = "Dataset name. Default: builtin.")
  String dataset = DatasetCatalog.BUILTIN;

  @Option(names = "--seed", description = "Default: 0.")
  long seed;

  @Option(names = "--range", description = "Indices A:B (B exclusive). Default: all.")
  String range = "";

  @Option(names = "--shard-size", description = "Samples per shard (per-background formats "
      + "shard by background). Default: 1000.")
  int shardSize = 1000;

  @Option(names = "--depth-model", description = "A model folder (models/NAME) whose depth the "
      + "dataset gets, replacing the config's.")
  String depthModel = "";

  @Option(names = "--depth-weights", description = "model.onnx when it is not in the model folder.")
  String depthWeights = "";

  @Option(names = "--depth-mode", description = "teacher (default) or layered.")
  String depthMode = "";

  @Option(names = "--device", description = "Where executors run the model: auto (CUDA when the "
      + "executor has it, default), cpu or cuda.")
  String device = "auto";

  @Option(names = "--task-threads", description = "Render threads per task (match "
      + "spark.task.cpus). Default: 1.")
  int taskThreads = 1;

  @Option(names = "--builtin-size", description = "Output size of the built-in dataset. "
      + "Default: 224.")
  String builtinSize = "224";

  @Option(names = "--builtin-placements", description = "Default: 20.")
  int builtinPlacements = 20;

  @Option(names = "--builtin-counts", description = "Backgrounds:foregrounds (at most 100:100). "
      + "Default: 100:100.")
  String builtinCounts = "100:100";

  /** The --task-threads, checked (a task's render pool needs at least one thread). */
  int taskThreads() {
    return inRange("--task-threads", taskThreads, MAX_TASK_THREADS);
  }

  /** {@code value} of {@code flag}, checked to lie in [1, max] (the core names its field). */
  static int inRange(String flag, int value, int max) {
    if (value < 1 || value > max) {
      throw new IllegalArgumentException(flag + " " + value + " must be in [1, " + max + "]");
    }
    return value;
  }

  DatasetSource source() {
    String json = null;
    if (config != null) {
      json = DatasetCatalog.readConfigText(config);
    }
    BuiltinConfig.parse(builtinSize, builtinPlacements, builtinCounts, "", "", ""); // checked here
    return new DatasetSource(dataset, json, config == null ? "" : config.toString(), builtinSize,
        builtinPlacements, builtinCounts, depthModel, depthWeights, depthMode, device);
  }

  /**
   * The line added to a flag error whose unknown flags include a server's folder-dataset flag
   * (a serve command line reused): where a job takes them instead. Null for any other error.
   */
  static String folderHint(ParameterException e) {
    return e instanceof UnmatchedArgumentException u && u.getUnmatched().stream()
        .anyMatch(a -> FOLDER_FLAGS.contains(a.split("=", 2)[0]))
        ? "the Spark jobs take folder datasets through --config FILE (see README, Spark)" : null;
  }

  /** {A, B} of --range; {0, 0} (the whole dataset) when not given. */
  long[] range() {
    if (range.isEmpty()) {
      return new long[] {0, 0};
    }
    String[] p = range.split(":");
    try {
      if (p.length == 2) {
        long[] r = {Long.parseLong(p[0].trim()), Long.parseLong(p[1].trim())};
        if (r[1] != 0 && r[1] <= r[0]) { // B 0: the dataset's end
          throw FgbgException.invalidArgument("--range " + range + " is empty: A:B takes "
              + "indices A to B-1, so B must be above A");
        }
        return r;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw FgbgException.invalidArgument("--range '" + range + "' must be two integers A:B");
  }
}
