package dev.fgbg.server.flags;

import dev.fgbg.core.depth.ModelPaths;
import dev.fgbg.core.depth.OnnxDepthModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Depth model, device and cache flags. */
public final class DepthFlags {
  @Option(names = "--depth-model", description = "A model folder (models/NAME) whose depth the "
      + "folder datasets get (--bg/--fg, and each --config dataset naming no model of its own; "
      + "the built-in one when there is no folder dataset); looked up in the repository's "
      + "models/ when it is not in the current folder.")
  String model = "";

  @Option(names = "--depth-weights", description = "model.onnx when it is not in the model folder.")
  String weights = "";

  @Option(names = "--depth-mode", description = "teacher (the model runs on each composite, "
      + "default) or layered (once per background).")
  String mode = "";

  @Option(names = "--device", description = "auto (CUDA when present, default), cpu or cuda.")
  OnnxDepthModel.Device device = OnnxDepthModel.Device.AUTO;

  @Option(names = "--depth-sessions", description = "Sessions of the depth model that run "
      + "batches at once, each with an equal share of the --workers threads. Default: 2 on CPU "
      + "(two sessions of half the threads keep the cores busier than one), 1 on CUDA or with "
      + "one thread. Each "
      + "session holds its own working memory (about 200 MB for FastDepth at batch 16).")
  int sessions = OnnxDepthModel.AUTO_SESSIONS;

  @Option(names = "--cache-dir", description = "Disk tier of the depth cache (kept across "
      + "restarts; may be shared by several servers).")
  Path cacheDir;

  @Option(names = "--depth-store", description = "Teacher depth computed ahead (the folder "
      + "the Spark depth job wrote; read-only, may be shared): served with no inference, the "
      + "model computing only what it lacks.")
  Path depthStore;

  @Option(names = "--depth-cache-mb",
      description = "Memory tier of the depth cache. Default: 1024.")
  long cacheMb = 1024;

  /** The sessions asked for; a negative count is an IllegalArgumentException naming the flag. */
  int sessions() {
    if (sessions < 0) {
      throw new IllegalArgumentException("--depth-sessions " + sessions + " must be 0 (the "
          + "default: 2 on CPU, 1 on CUDA) or more");
    }
    return sessions;
  }

  /** The model folder as typed, or the repository's when only that one exists. */
  String model() {
    return ModelPaths.resolve(model);
  }

  @Option(names = "--disk-cache-gb", description = "Bound of the disk tier. Default: 50.")
  double diskCacheGb = 50;
}
