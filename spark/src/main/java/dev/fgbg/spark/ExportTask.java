package dev.fgbg.spark;

import com.google.protobuf.util.JsonFormat;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.export.ExportPlan;
import dev.fgbg.v1.ShardRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * One shard of an export, on an executor: skipped when an earlier run recorded it complete
 * (in the manifest, or in the shard's marker when that run never finished) and its files still
 * read back to the recorded digest; else written through the core's plan under names tagged by
 * this attempt, committed, and marked. Any attempt writes the same bytes.
 */
final class ExportTask implements Function<Integer, ExportTask.Done> {
  private static final long serialVersionUID = 1L;

  /** Where each completed shard's record waits for the driver's manifest. */
  static final String MARKERS = ".fgbg-shards";

  /** A shard's record (ShardRecord bytes), and whether it was found complete. */
  record Done(int shard, byte[] record, boolean skipped) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private final DatasetSource source;
  private final String fingerprint;
  private final SparkExport.Request request;
  private final String dest;
  private final HadoopStore.Settings settings;
  private final List<byte[]> known;
  private final SparkExport.ChunkHook hook;
  private final int cores;

  ExportTask(DatasetSource source, String fingerprint, SparkExport.Request request, String dest,
      HadoopStore.Settings settings, List<byte[]> known, SparkExport.ChunkHook hook,
      int cores) {
    this.source = source;
    this.fingerprint = fingerprint;
    this.request = request;
    this.dest = dest;
    this.settings = settings;
    this.known = known;
    this.hook = hook;
    this.cores = cores;
  }

  static String marker(String shard) {
    return MARKERS + "/" + shard + ".json";
  }

  @Override
  public Done call(Integer k) throws IOException {
    TaskContext tc = TaskContext.get();
    Dataset d = ExecutorDatasets.get(source, fingerprint, cores);
    try (HadoopStore store = HadoopStore.open(settings, dest, SparkJobs.attemptTag(tc))) {
      ExportPlan plan = new ExportPlan(request.job(d), store);
      String name = plan.shardName(k);
      ShardRecord rec = known.get(k) != null ? ShardRecord.parseFrom(known.get(k))
          : readMarker(store, name);
      if (rec != null && plan.intact(k, rec)) {
        return new Done(k, rec.toByteArray(), true);
      }
      ExecutorService pool = NamedThreads.fixedPool("fgbg-spark-" + name, request.taskThreads());
      try {
        long[] written = {0};
        ShardRecord fresh = plan.write(k, pool, 2 * request.taskThreads(), tc::isInterrupted,
            (n, b) -> {
              written[0] += n;
              hook.after(name, tc.attemptNumber(), written[0]);
            });
        String json = JsonFormat.printer().print(fresh) + "\n";
        String tmp = marker(name) + store.tempTag() + ".tmp";
        store.mkdirs(MARKERS);
        store.write(tmp, json.getBytes(StandardCharsets.UTF_8));
        store.commit(tmp, marker(name));
        return new Done(k, fresh.toByteArray(), false);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static ShardRecord readMarker(HadoopStore store, String shard) {
    try {
      if (!store.exists(marker(shard))) {
        return null;
      }
      ShardRecord.Builder b = ShardRecord.newBuilder();
      try (InputStream in = store.open(marker(shard))) {
        JsonFormat.parser().merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), b);
      }
      return b.build();
    } catch (IOException | RuntimeException e) {
      return null; // unreadable: the shard is redone
    }
  }
}
