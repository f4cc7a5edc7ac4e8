package dev.fgbg.spark;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.core.export.ExportFormat;
import dev.fgbg.core.export.ExportJob;
import dev.fgbg.core.export.ExportPlan;
import dev.fgbg.core.export.Exporter;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.ShardRecord;
import java.io.Closeable;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The export job. The driver builds the dataset and the job, prepares (or resumes) the
 * destination's manifest, and hands one shard to each task; each task renders, encodes and
 * writes its shard through fgbg-core onto the destination (see {@link ExportTask}) and returns
 * the shard's record; the driver then writes the final tables and manifest.json, whose digest
 * is the {@code stream} digest of the range, and clears what tasks left behind. The driver holds
 * the destination's lock throughout (see {@link JobLock}).
 */
final class SparkExport {
  /** Called after each chunk a task writes; tests inject a failure here. */
  interface ChunkHook extends Serializable {
    ChunkHook NONE = (shard, attempt, done) -> { };

    void after(String shard, int attempt, long samplesDone);
  }

  /**
   * The job as given on the command line: the selection as requests give it ({@code end} 0 means
   * the dataset's end, {@code stride} 0 means 1, {@code sample} 0 means all; each JVM draws the
   * same subset from the seed).
   */
  record Request(DatasetSource source, long seed, long start, long end, long stride, long sample,
      ExportFormat format, String dest, boolean overwrite, int shardSize, int jpegQuality,
      boolean depthNpy, int taskThreads) implements Serializable {
    private static final long serialVersionUID = 2L;

    ExportJob job(Dataset d) {
      return new ExportJob(d, seed, Selection.requested(d.size(), d.name(), start, end, stride,
          sample, seed), Outputs.all(d), format, dest, overwrite, shardSize, jpegQuality,
          depthNpy);
    }
  }

  /** What the job did. */
  record Result(long samples, int shards, int written, int skipped, String digest,
      String manifest, double seconds) {}

  private SparkExport() {}

  static Result run(JavaSparkContext sc, Request r) throws IOException {
    return run(sc, r, r.source(), ChunkHook.NONE);
  }

  /**
   * As {@link #run(JavaSparkContext, Request)}, with the executors building their dataset from
   * {@code executorSource} (tests: assets that differ) and told of each chunk through hook.
   */
  static Result run(JavaSparkContext sc, Request r, DatasetSource executorSource,
      ChunkHook hook) throws IOException {
    long t0 = System.nanoTime();
    HadoopStore.Settings settings = HadoopStore.Settings.of(sc.hadoopConfiguration());
    try (DepthRuntimes driverModels = SparkJobs.driverModels(r.source())) {
      Dataset d = r.source().build(driverModels);
      ExportJob job = r.job(d); // every setting checked before anything is made at the dest
      try (Closeable lock = JobLock.take(settings, r.dest())) {
        return run(sc, r, executorSource, hook, d, job, settings, t0);
      }
    }
  }

  private static Result run(JavaSparkContext sc, Request r, DatasetSource executorSource,
      ChunkHook hook, Dataset d, ExportJob job, HadoopStore.Settings settings, long t0)
      throws IOException {
    try (HadoopStore store = HadoopStore.open(settings, r.dest(), SparkJobs.driverTag())) {
      ExportPlan plan = new ExportPlan(job, store);
      // A refusal names this command line's flag, not the server clients' ways.
      ExportManifest.Builder m = plan.prepareManifest("--overwrite");
      plan.prepareLayout();
      List<byte[]> known = new ArrayList<>();
      for (ShardRecord rec : m.getShardsList()) {
        known.add(rec.getComplete() ? rec.toByteArray() : null);
      }
      ExportTask task = new ExportTask(executorSource, d.fingerprint(), r, store.uri(), settings,
          known, hook, SparkJobs.executorCores(sc));
      List<ExportTask.Done> done = sc.parallelize(
              IntStream.range(0, plan.shardCount()).boxed().toList(), plan.shardCount())
          .map(task).collect();
      int skipped = 0;
      for (ExportTask.Done x : done) {
        m.setShards(x.shard(), ShardRecord.parseFrom(x.record()));
        skipped += x.skipped() ? 1 : 0;
      }
      if (skipped < done.size()) {
        m.setComplete(false).clearFiles().clearDigest();
      }
      plan.writeManifest(m.build());
      if (!m.getComplete() || !plan.finalFilesIntact(m)) {
        plan.finish(m);
        plan.writeManifest(m.build());
      }
      Leftovers.sweep(store);
      return new Result(job.size(), done.size(), done.size() - skipped, skipped, m.getDigest(),
          store.describe(Exporter.MANIFEST), (System.nanoTime() - t0) / 1e9);
    }
  }
}
