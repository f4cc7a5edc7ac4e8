package dev.fgbg.spark;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.core.depth.DepthStore;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The depth job: teacher depth for a range, computed on the executors (one ONNX Runtime session
 * and dynamic batcher per executor, shared by its tasks) and written as a depth store: one
 * shard file of checksummed records per task, under {@code dest/<fingerprint>/<seed>/}, the
 * folder a server started with {@code --depth-store dest} reads.
 */
final class SparkDepth {
  /** The job as given on the command line; {@code end} 0 means the dataset's end. */
  record Request(DatasetSource source, long seed, long start, long end, int shardSize,
      String dest, int taskThreads) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Shard {@code k}'s first index. */
    long shardFrom(int k) {
      return start + (long) k * shardSize;
    }

    /** The end of shard {@code k}, the range's {@code end} for the last one. */
    long shardTo(int k, long end) {
      return Math.min(end, shardFrom(k) + shardSize);
    }
  }

  /** What the job did; {@code folder} is where the dataset's records are. */
  record Result(long images, int shards, int written, int skipped, String folder,
      double seconds) {}

  private SparkDepth() {}

  static Result run(JavaSparkContext sc, Request r) throws IOException {
    long t0 = System.nanoTime();
    try (DepthRuntimes driverModels = SparkJobs.driverModels(r.source())) {
      Dataset d = r.source().build(driverModels);
      if (d.teacher() == null) {
        throw FgbgException.invalidConfig("dataset '" + d.name() + "' has no teacher depth to "
            + "compute: give --depth-model (teacher mode); exact and layered depth need no job");
      }
      long end = r.end() == 0 ? d.size() : r.end();
      if (r.start() < 0 || end > d.size() || end <= r.start()) {
        throw FgbgException.invalidArgument("--range " + r.start() + ":" + end + " must lie in [0, "
            + d.size() + ") of dataset '" + d.name() + "' and not be empty");
      }
      if (r.shardSize() < 1) {
        throw FgbgException.invalidArgument("--shard-size " + r.shardSize() + " must be positive");
      }
      int shards = (int) ((end - r.start() + r.shardSize() - 1) / r.shardSize());
      HadoopStore.Settings settings = HadoopStore.Settings.of(sc.hadoopConfiguration());
      try (HadoopStore store = HadoopStore.open(settings, r.dest(), SparkJobs.driverTag())) {
        store.mkdirs(DepthStore.folder(d.fingerprint(), r.seed()));
        DepthTask task = new DepthTask(r, d.fingerprint(), store.uri(), settings, end,
            SparkJobs.executorCores(sc));
        List<Boolean> skipped = sc.parallelize(IntStream.range(0, shards).boxed().toList(), shards)
            .map(task).collect();
        int s = (int) skipped.stream().filter(b -> b).count();
        String folder = DepthStore.folder(d.fingerprint(), r.seed());
        Leftovers.sweep(store, folder, files(r, end, shards)); // killed attempts' temporaries
        return new Result(end - r.start(), shards, shards - s, s, store.describe(folder),
            (System.nanoTime() - t0) / 1e9);
      }
    }
  }

  /** The names of the job's shard files (as {@link DepthTask} cuts the range). */
  private static Set<String> files(Request r, long end, int shards) {
    Set<String> out = new HashSet<>();
    for (int k = 0; k < shards; k++) {
      out.add(DepthStore.shardFile(r.shardFrom(k), r.shardTo(k, end)));
    }
    return out;
  }
}
