package dev.fgbg.spark;

import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.depth.DepthKey;
import dev.fgbg.core.depth.DepthRecord;
import dev.fgbg.core.depth.DepthStore;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.deliver.Renders;
import dev.fgbg.core.deliver.Sink;
import dev.fgbg.core.deliver.Work;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.sampling.IndexSequence;
import dev.fgbg.core.synth.DepthEncoding;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * One shard of the depth job on an executor: renders the composites, asks the executor's
 * teacher for every sample (several chunks in flight, so the batcher fills its batches), and
 * writes the records in index order under a temporary name, renamed when whole. A shard file
 * already there whose every record checks out is kept.
 */
final class DepthTask implements Function<Integer, Boolean> {
  private static final long serialVersionUID = 1L;
  private static final int CHUNK = 16;
  private static final Outputs IMAGES = new Outputs(true, false, false, false);

  private final SparkDepth.Request request;
  private final String fingerprint;
  private final String dest;
  private final HadoopStore.Settings settings;
  private final long end;
  private final int cores;

  DepthTask(SparkDepth.Request request, String fingerprint, String dest,
      HadoopStore.Settings settings, long end, int cores) {
    this.request = request;
    this.fingerprint = fingerprint;
    this.dest = dest;
    this.settings = settings;
    this.end = end;
    this.cores = cores;
  }

  /** Returns whether the shard was found complete. */
  @Override
  public Boolean call(Integer k) throws IOException {
    TaskContext tc = TaskContext.get();
    Dataset d = ExecutorDatasets.get(request.source(), fingerprint, cores);
    long from = request.shardFrom(k);
    long to = request.shardTo(k, end);
    try (HadoopStore store = HadoopStore.open(settings, dest, SparkJobs.attemptTag(tc))) {
      String file = DepthStore.folder(fingerprint, request.seed()) + "/"
          + DepthStore.shardFile(from, to);
      int values = d.spec().height() * d.spec().width();
      if (store.exists(file) && intact(store, file, from, to, values)) {
        return true;
      }
      String tmp = file + store.tempTag() + ".tmp";
      ExecutorService pool = NamedThreads.fixedPool("fgbg-spark-depth", request.taskThreads());
      try (OutputStream out = new BufferedOutputStream(store.create(tmp), 1 << 20)) {
        write(d, from, to, pool, tc::isInterrupted, out);
      } catch (IOException | RuntimeException e) {
        store.deleteTree(tmp);
        throw e;
      } finally {
        pool.shutdownNow();
      }
      store.commit(tmp, file);
      return false;
    }
  }

  /**
   * Renders the composites of {@code [from, to)} in pieces on {@code pool}, asks the teacher
   * for each, and writes the records in index order as the delivery hands the pieces over.
   */
  private void write(Dataset d, long from, long to, ExecutorService pool,
      BooleanSupplier cancelled, OutputStream out) throws IOException {
    Work<RenderedBatch> render = Renders.fresh(new BatchShape(d, IMAGES, DepthEncoding.FLOAT16),
        request.seed());
    Work<DepthMap[]> work = (p, stop) -> render.start(p, stop).thenCompose(b -> teacher(d, b));
    Sink<DepthMap[]> records = new Sink<>() {
      @Override
      public void deliver(Piece p, DepthMap[] maps) throws IOException {
        for (int s = 0; s < maps.length; s++) {
          out.write(DepthRecord.encode(new DepthKey(fingerprint, request.seed(),
              p.indices()[s]), maps[s]));
        }
      }

      @Override
      public void ended(Throwable cause) {}
    };
    Delivery.of(Plan.of(IndexSequence.range(from, to), CHUNK), work, records, pool)
        .window(4 * Math.max(1, request.taskThreads())).cancelledWhen(cancelled).start()
        .await();
  }

  private CompletableFuture<DepthMap[]> teacher(Dataset d, RenderedBatch batch) {
    int n = batch.indices().length;
    @SuppressWarnings("unchecked")
    CompletableFuture<DepthMap>[] maps = new CompletableFuture[n];
    for (int s = 0; s < n; s++) {
      maps[s] = d.teacher().depth(d, request.seed(), batch.indices()[s], batch.images(),
          s * d.imageBytes());
    }
    return CompletableFuture.allOf(maps).thenApply(v -> {
      DepthMap[] out = new DepthMap[n];
      for (int s = 0; s < n; s++) {
        out[s] = maps[s].join();
      }
      return out;
    });
  }

  /** Whether every record of the shard file is whole, checks out, and has the right key. */
  private boolean intact(HadoopStore store, String file, long from, long to, int values)
      throws IOException {
    int len = DepthRecord.size(new DepthKey(fingerprint, request.seed(), from), values);
    if (store.size(file) != (to - from) * len) {
      return false;
    }
    byte[] rec = new byte[len];
    try (InputStream in = store.open(file)) {
      for (long i = from; i < to; i++) {
        if (in.readNBytes(rec, 0, len) != len
            || DepthRecord.decode(new DepthKey(fingerprint, request.seed(), i), rec, 0, len)
            == null) {
          return false;
        }
      }
    }
    return true;
  }
}
