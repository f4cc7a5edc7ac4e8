package dev.fgbg.core.export;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.synth.DepthEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Writes one shard: chunks are rendered and encoded on the worker pool, at most {@code window}
 * ahead (teacher depth composes in without holding a worker), and written in order on the
 * export's thread. The shard's files become visible only on commit; any failure aborts them.
 */
final class ShardPipeline {
  static final int CHUNK = 16;

  /** Called as chunks land: samples and bytes written. */
  interface ChunkDone {
    void done(long samples, long bytes);
  }

  /** What a committed shard recorded. */
  record Result(SampleDigest samples, ItemDigest files) {}

  /** Rendered and encoded off-thread; written in order by the shard writer. */
  private record Encoded(RenderedBatch chunk, List<Entry> entries, SampleDigest digest,
      long bytes) {}

  private final ExportJob job;
  private final Layout layout;
  private final Executor workers;
  private final int window;

  ShardPipeline(ExportJob job, Layout layout, Executor workers, int window) {
    this.job = job;
    this.layout = layout;
    this.workers = workers;
    this.window = Math.max(1, window);
  }

  Result write(Shard shard, BooleanSupplier cancelled, ChunkDone onChunk) throws IOException {
    Layout.ShardWriter writer = layout.open(shard);
    ArrayDeque<CompletableFuture<Encoded>> inflight = new ArrayDeque<>();
    SampleDigest digest = new SampleDigest();
    long next = shard.from();
    boolean ok = false;
    try {
      while (next < shard.to() || !inflight.isEmpty()) {
        while (inflight.size() < window && next < shard.to()) {
          long to = Math.min(shard.to(), next + CHUNK);
          inflight.add(chunk(next, to, cancelled));
          next = to;
        }
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("export cancelled");
        }
        Encoded e = await(inflight.poll());
        writer.write(e.chunk, e.entries);
        digest.addAll(e.digest);
        onChunk.done(e.chunk.size(), e.bytes);
      }
      ItemDigest files = writer.commit();
      ok = true;
      return new Result(digest, files);
    } finally {
      if (!ok) {
        inflight.forEach(f -> f.cancel(true));
        writer.abort();
      }
    }
  }

  /** Renders and encodes the samples at positions [from, to) of the selection. */
  private CompletableFuture<Encoded> chunk(long from, long to, BooleanSupplier cancelled) {
    long[] idx = new long[(int) (to - from)];
    for (int s = 0; s < idx.length; s++) {
      idx[s] = job.selection().indexAt(from + s);
    }
    return CompletableFuture.supplyAsync(() -> Renderer.render(job.dataset(), job.seed(), idx,
            job.outputs(), DepthEncoding.FLOAT16, cancelled), workers)
        .thenCompose(Function.identity())
        .thenApplyAsync(this::encode, workers);
  }

  private Encoded encode(RenderedBatch chunk) {
    SampleDigest d = new SampleDigest();
    int ib = chunk.images() == null ? 0 : job.dataset().imageBytes();
    int mb = chunk.masks() == null ? 0 : job.dataset().maskBytes();
    int db = chunk.depth() == null ? 0 : job.dataset().depthBytes(DepthEncoding.FLOAT16);
    long[] idx = chunk.indices();
    for (int s = 0; s < idx.length; s++) {
      d.add(idx[s], chunk.images(), s * ib, ib, chunk.masks(), s * mb, mb, chunk.depth(),
          s * db, db);
    }
    try {
      List<Entry> entries = layout.entries(chunk);
      if (layout.writesOnWorkers()) {
        layout.writeEntries(entries);
      }
      long bytes = 0;
      for (Entry e : entries) {
        bytes += e.bytes().length;
      }
      if (entries.isEmpty()) {
        bytes = (long) idx.length * (ib + mb + db);
      }
      return new Encoded(chunk, entries, d, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Encoded await(CompletableFuture<Encoded> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("export interrupted");
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    }
  }
}
