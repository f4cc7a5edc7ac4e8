package dev.fgbg.server.flags;

import dev.fgbg.core.depth.DiskLimit;
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
      + "batches at once (1 or more; at most one per --workers thread, lowered with a log "
      + "line), each with an equal share of the --workers threads. Default: 2 on CPU "
      + "(two sessions of half the threads keep the cores busier than one), 1 on CUDA or with "
      + "one thread. Each "
      + "session holds its own working memory (about 350 MB for FastDepth at batch 16).")
  Integer sessions; // null: the default (an explicit 0 is refused, not taken as the default)

  @Option(names = "--cache-dir", description = "Disk tier of the depth cache and of the photo "
      + "folders' prepared photos (kept across restarts: an unchanged folder is not decoded "
      + "again; may be shared by several servers).")
  Path cacheDir;

  @Option(names = "--depth-store", description = "Teacher depth computed ahead (the folder "
      + "the Spark depth job wrote; read-only, may be shared): served with no inference, the "
      + "model computing only what it lacks.")
  Path depthStore;

  @Option(names = "--depth-cache-mb", description = "Memory tier of the depth cache. Default: "
      + "1024, lowered to fit a container's memory limit.")
  Long cacheMb; // null: the default (fitted to a container by ./fgbg serve and the server)

  /** --depth-cache-mb's default. */
  public static final long DEFAULT_CACHE_MB = 1024;

  /**
   * The sessions asked for, or {@link OnnxDepthModel#AUTO_SESSIONS} when not given; a count
   * below 1 is an IllegalArgumentException naming the flag.
   */
  int sessions() {
    if (sessions == null) {
      return OnnxDepthModel.AUTO_SESSIONS;
    }
    if (sessions < 1) {
      throw new IllegalArgumentException("--depth-sessions " + sessions + " must be 1 or more "
          + "(leave it out for the default: 2 on CPU, 1 on CUDA or with one worker)");
    }
    return sessions;
  }

  /**
   * --depth-cache-mb in bytes, or its default at most {@code defaultCapBytes}; a negative size
   * is an IllegalArgumentException naming it.
   */
  long cacheBytes(long defaultCapBytes) {
    if (cacheMb == null) {
      return Math.min(defaultCapBytes, DEFAULT_CACHE_MB << 20);
    }
    if (cacheMb < 0) {
      throw new IllegalArgumentException("--depth-cache-mb " + cacheMb + " must be 0 or more");
    }
    return cacheMb << 20;
  }

  /**
   * --disk-cache-gb in bytes, or {@link DiskLimit#DEFAULT} when not given; a negative (or not
   * a number) is refused naming the flag.
   */
  long diskCacheBytes() {
    if (diskCacheGb == null) {
      return DiskLimit.DEFAULT;
    }
    double gb = diskCacheGb;
    if (!(gb >= 0) || Double.isInfinite(gb)) {
      throw new IllegalArgumentException("--disk-cache-gb " + (gb == Math.rint(gb)
          ? String.valueOf((long) gb) : String.valueOf(gb)) + " must be 0 or more (a size in GB)");
    }
    return (long) (gb * 1e9);
  }

  /** The model folder as typed, or the repository's when only that one exists. */
  String model() {
    return ModelPaths.resolve(model);
  }

  @Option(names = "--disk-cache-gb", description = "Bound of --cache-dir, its two disk tiers "
      + "(the depth maps' and the photos') together; depth maps are evicted first. Default: 50, "
      + "or half of what the folder holds and its disk's free space together at start-up when "
      + "that is less.")
  Double diskCacheGb; // null: the default, bounded by the free space (DiskLimit)
}
