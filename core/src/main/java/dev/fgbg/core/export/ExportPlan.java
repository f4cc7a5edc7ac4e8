package dev.fgbg.core.export;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.FileRecord;
import dev.fgbg.v1.ShardRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * One export's work on one store, shard by shard: the manifest to continue from, the check of a
 * shard an earlier run completed, the writing of a shard (render, encode, write, commit), and
 * the final tables and digest. The server's {@link Exporter} runs every step in one process;
 * the Spark module runs the manifest and the finish on its driver and each shard on an
 * executor, each over a store of its own onto the same destination.
 */
public final class ExportPlan {
  /** Told as chunks of a shard land: samples and bytes written. */
  public interface ChunkListener {
    void done(long samples, long bytes);
  }

  private final ExportJob job;
  private final ExportStore store;
  private final Layout layout;
  private final List<Shard> shards;

  public ExportPlan(ExportJob job, ExportStore store) {
    this.job = job;
    this.store = store;
    this.layout = Layout.of(job, store);
    this.shards = Shard.plan(job);
  }

  public ExportJob job() {
    return job;
  }

  public int shardCount() {
    return shards.size();
  }

  /** Shard {@code k}'s name (bg_NNN or shard-NNNNNN), for messages and progress. */
  public String shardName(int k) {
    return shards.get(k).name();
  }

  public long shardSize(int k) {
    return shards.get(k).size();
  }

  /**
   * The manifest to continue from: the store's own when it describes this export, else a fresh
   * one over an empty destination (emptied first when the job may overwrite); written to the
   * store. A destination holding something else is refused with FAILED_PRECONDITION, which
   * tells how each of the server's clients asks to replace it.
   */
  public ExportManifest.Builder prepareManifest() throws IOException {
    return prepareManifest(ManifestStore.OVERWRITE);
  }

  /**
   * As {@link #prepareManifest()}, the refusal naming {@code overwriteHint} as the way to replace
   * what the destination holds (a command line's own flag).
   */
  public ExportManifest.Builder prepareManifest(String overwriteHint) throws IOException {
    store.mkdirs("");
    return ManifestStore.prepare(job, store, overwriteHint);
  }

  /** Writes manifest.json atomically. */
  public void writeManifest(ExportManifest m) throws IOException {
    ManifestStore.write(store, m);
  }

  /** Whether {@code rec} says shard {@code k} is complete and its files still read back so. */
  public boolean intact(int k, ShardRecord rec) {
    return rec.getComplete() && damage(k, rec) == null;
  }

  /** Why shard {@code k}'s files fail the check {@code rec} records, or null when they pass. */
  String damage(int k, ShardRecord rec) {
    return ShardVerifier.damage(store, layout, shards.get(k), rec);
  }

  /** Once, before the first shard is written (pre-sizes array files where the store can). */
  public void prepareLayout() throws IOException {
    layout.prepare();
  }

  /**
   * Writes shard {@code k} with renders and encodes on {@code workers}, {@code window} chunks
   * ahead; its files become visible only when whole. Returns its complete record.
   */
  public ShardRecord write(int k, Executor workers, int window, BooleanSupplier cancelled,
      ChunkListener onChunk) throws IOException {
    ShardRecord[] done = new ShardRecord[1];
    write(k, workers, window, cancelled, onChunk, new ExportReport.Listener() {
      @Override
      public void progress(ExportReport p) {}
    }, r -> done[0] = r);
    return done[0];
  }

  /** Told a shard's complete record, once its files are in place. */
  public interface Completed {
    void shard(ShardRecord complete) throws IOException;
  }

  /**
   * As {@link #write(int, Executor, int, BooleanSupplier, ChunkListener)}, the shard's files put
   * in place and its record handed to {@code done} as one step through
   * {@link ExportReport.Listener#completing}: one it refuses leaves the shard not complete, its
   * files removed, and ends in a CancellationException.
   */
  public void write(int k, Executor workers, int window, BooleanSupplier cancelled,
      ChunkListener onChunk, ExportReport.Listener gate, Completed done) throws IOException {
    new ShardPipeline(job, layout, workers, window).write(shards.get(k), cancelled,
        onChunk::done, gate, r -> done.shard(record(k).setComplete(true)
            .setDigest(r.samples().hex()).setFiles(r.files().files())
            .setBytes(r.files().bytes()).setFilesSha256(r.files().hex()).build()));
  }

  /** Shard {@code k}'s record with its name and the indices it spans only (not complete). */
  public ShardRecord.Builder record(int k) {
    return shards.get(k).record(job.selection());
  }

  /**
   * After a failure or a cancel: gives back the space held for the shards {@code m} does not
   * record as complete (npy arrays are cut back after the last complete shard).
   */
  public void giveBack(ExportManifest.Builder m) throws IOException {
    List<Shard> complete = new ArrayList<>();
    for (int k = 0; k < shards.size(); k++) {
      if (m.getShards(k).getComplete()) {
        complete.add(shards.get(k));
      }
    }
    layout.giveBack(complete);
  }

  /** Whether every final file {@code m} lists is there with its size and hash. */
  public boolean finalFilesIntact(ExportManifest.Builder m) {
    return ShardVerifier.finalFilesIntact(store, m);
  }

  /**
   * After every shard is complete: writes the final tables, records every final file, sums the
   * shard digests into the manifest's digest and marks it complete (the caller writes it).
   */
  public void finish(ExportManifest.Builder m) throws IOException {
    m.clearFiles();
    for (String p : layout.finish()) {
      m.addFiles(FileRecord.newBuilder().setPath(p).setBytes(store.size(p))
          .setSha256(ShardVerifier.sha256(store, p)));
    }
    String sum = "0".repeat(64);
    for (ShardRecord r : m.getShardsList()) {
      sum = SampleDigest.addHex(sum, r.getDigest());
    }
    m.setDigest(sum).setComplete(true);
  }
}
