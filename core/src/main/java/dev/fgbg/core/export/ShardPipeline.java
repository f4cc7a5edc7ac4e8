package dev.fgbg.core.export;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.common.SampleDigest.Slice;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.deliver.Renders;
import dev.fgbg.core.deliver.Sink;
import dev.fgbg.core.deliver.Work;
import dev.fgbg.core.render.Backgrounds;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.synth.DepthEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Writes one shard through the delivery pipeline: chunks are rendered and encoded on the worker
 * pool, at most {@code window} ahead (teacher depth composes in without holding a worker), and
 * written in order by the shard writer. The shard's files become visible only on commit; any
 * failure aborts them.
 */
final class ShardPipeline {
  static final int CHUNK = 16;

  /** Called as chunks land: samples and bytes written. */
  interface ChunkDone {
    void done(long samples, long bytes);
  }

  /** What a committed shard recorded. */
  record Result(SampleDigest samples, ItemDigest files) {}

  /** Told what a shard recorded once its files are in place. */
  interface Committed {
    void done(Result r) throws IOException;
  }

  /** Rendered and encoded off-thread; written in order by the shard writer. */
  private record Encoded(RenderedBatch chunk, List<Entry> entries, SampleDigest digest,
      long bytes) {}

  private final ExportJob job;
  private final Layout layout;
  private final Executor workers;
  private final int window;
  private final BatchShape shape;

  ShardPipeline(ExportJob job, Layout layout, Executor workers, int window) {
    this.job = job;
    this.layout = layout;
    this.workers = workers;
    this.window = Math.max(1, window);
    this.shape = new BatchShape(job.dataset(), job.outputs(), DepthEncoding.FLOAT16);
  }

  /**
   * Writes {@code shard}; once every chunk is written, commits its files and hands what it
   * recorded to {@code then}, as one step through {@code gate}. A cancel before it, or a step
   * the gate refuses, removes the shard's files and ends in a CancellationException: a shard
   * cut then is not complete, on disk or in what was told.
   */
  void write(Shard shard, BooleanSupplier cancelled, ChunkDone onChunk,
      ExportReport.Listener gate, Committed then) throws IOException {
    Layout.ShardWriter writer = layout.open(shard);
    SampleDigest digest = new SampleDigest();
    Work<RenderedBatch> render = Renders.fresh(shape, job.seed());
    Work<Encoded> work = (p, stop) -> render.start(p, stop)
        .thenApplyAsync(chunk -> encode(chunk, stop), workers);
    Sink<Encoded> sink = new Sink<>() {
      @Override
      public void deliver(Piece piece, Encoded e) throws IOException {
        writer.write(e.chunk, e.entries);
        digest.addAll(e.digest);
        onChunk.done(e.chunk.size(), e.bytes);
      }

      @Override
      public void ended(Throwable cause) {}
    };
    boolean[] committed = {false};
    try {
      Delivery.of(Plan.of(job.selection().slice(shard.from(), shard.to()), CHUNK), work, sink,
          workers).window(window).cancelledWhen(cancelled).start().await();
      if (cancelled.getAsBoolean() || !gate.completing(() -> {
        ItemDigest files = writer.commit();
        committed[0] = true;
        then.done(new Result(digest, files));
      })) {
        throw new CancellationException("export cancelled");
      }
    } finally {
      if (!committed[0]) {
        writer.abort();
      }
    }
  }

  private Encoded encode(RenderedBatch chunk, BooleanSupplier cancelled) {
    SampleDigest d = new SampleDigest();
    int ib = chunk.images() == null ? 0 : job.dataset().imageBytes();
    int mb = chunk.masks() == null ? 0 : job.dataset().maskBytes();
    int db = chunk.depth() == null ? 0 : job.dataset().depthBytes(DepthEncoding.FLOAT16);
    int sb = chunk.instances() == null ? 0 : job.dataset().maskBytes();
    Backgrounds bgs = chunk.backgrounds();
    byte[] pixels = bgs == null ? null : bgs.pixels();
    byte[] bgDepth = bgs == null ? null : bgs.depth();
    int pb = job.dataset().imageBytes();
    int bdb = job.dataset().depthBytes(DepthEncoding.FLOAT16);
    long[] idx = chunk.indices();
    for (int s = 0; s < idx.length; s++) {
      int row = bgs == null ? 0 : bgs.rows()[s];
      d.add(idx[s], new Slice(chunk.images(), s * ib, ib), new Slice(chunk.masks(), s * mb, mb),
          new Slice(chunk.depth(), s * db, db), new Slice(chunk.instances(), s * sb, sb),
          new Slice(pixels, row * pb, pb), new Slice(bgDepth, row * bdb, bdb));
    }
    try {
      List<Entry> entries = layout.entries(chunk);
      if (layout.writesOnWorkers() && !cancelled.getAsBoolean()) {
        layout.writeEntries(entries);
      }
      long bytes = 0;
      for (Entry e : entries) {
        bytes += e.bytes().length;
      }
      if (entries.isEmpty()) {
        bytes = (long) idx.length * (ib + mb + db + sb);
      }
      return new Encoded(chunk, entries, d, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
