package dev.fgbg.core.export;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.common.Sha256;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.FileRecord;
import dev.fgbg.v1.ShardRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Runs exports: takes the destination's lock, decides from its manifest whether to resume,
 * skips shards an earlier run completed (after re-verifying their files), writes the rest
 * through the shard pipeline, and records each finished shard in manifest.json (written
 * atomically). A killed or cancelled export leaves only whole files and a manifest that lists
 * exactly the whole shards; rerunning it gives the same files as an uninterrupted run.
 */
public final class Exporter {
  public static final String MANIFEST = ManifestStore.MANIFEST;

  private final ExportRoot root;
  private final Executor workers;
  private final int window;
  private final Ticker ticker;

  /**
   * @param workers renders and encodes chunks
   * @param window chunks each shard renders ahead of what it has written
   * @param ticker times the progress reports
   */
  public Exporter(ExportRoot root, Executor workers, int window, Ticker ticker) {
    this.root = root;
    this.workers = workers;
    this.window = Math.max(1, window);
    this.ticker = ticker;
  }

  public ExportRoot root() {
    return root;
  }

  /** Runs {@code job} to completion (or cancellation); returns the final manifest. */
  public ExportManifest run(ExportJob job, ExportReport.Listener listener,
      BooleanSupplier cancelled) {
    Path dest = root.resolve(job.destination());
    try (DestinationLock lock = DestinationLock.acquire(root, dest, job.destination())) {
      return runLocked(job, dest, listener, cancelled);
    } catch (IOException e) {
      throw FileIo.failure(root.relative(dest), e);
    }
  }

  private ExportManifest runLocked(ExportJob job, Path dest, ExportReport.Listener listener,
      BooleanSupplier cancelled) throws IOException {
    Files.createDirectories(dest);
    Path manifestPath = dest.resolve(MANIFEST);
    ExportManifest.Builder m = ManifestStore.prepare(job, dest);
    Layout layout = Layout.of(job, dest);
    ShardPipeline pipeline = new ShardPipeline(job, layout, workers, window);
    ProgressMeter meter = new ProgressMeter(job.size(), ticker);
    boolean prepared = false;
    List<Shard> shards = Shard.plan(job);
    for (int k = 0; k < shards.size(); k++) {
      Shard shard = shards.get(k);
      ShardRecord rec = m.getShards(k);
      if (rec.getComplete()
          && ShardVerifier.shardDigest(dest, layout, shard).equals(rec.getFilesSha256())) {
        meter.skipped(shard.size());
        continue;
      }
      if (rec.getComplete() || m.getComplete()) {
        m.setShards(k, rec.toBuilder().setComplete(false)); // found damaged: redo it
        m.setComplete(false).clearFiles().clearDigest();
        ManifestStore.write(manifestPath, m.build());
      }
      if (!prepared) {
        layout.prepare();
        prepared = true;
      }
      ShardPipeline.Result r = pipeline.write(shard, cancelled, (n, b) -> {
        meter.written(n, b);
        listener.progress(meter.report(shard.name(), m));
      });
      m.setShards(k, rec.toBuilder().setComplete(true).setDigest(r.samples().hex())
          .setFiles(r.files().files()).setBytes(r.files().bytes())
          .setFilesSha256(r.files().hex()));
      ManifestStore.write(manifestPath, m.build());
    }
    if (cancelled.getAsBoolean()) {
      throw new CancellationException("export cancelled");
    }
    if (!m.getComplete() || !ShardVerifier.finalFilesIntact(dest, m)) {
      finish(dest, layout, m);
      ManifestStore.write(manifestPath, m.build());
    }
    ExportManifest result = m.build();
    listener.progress(meter.finished(m, root.relative(manifestPath), result.getDigest()));
    return result;
  }

  /** Writes the final tables, records every final file, and sums the shard digests. */
  private void finish(Path dest, Layout layout, ExportManifest.Builder m) throws IOException {
    m.clearFiles();
    String prefix = root.relative(dest) + "/";
    for (Path p : layout.finish()) {
      m.addFiles(FileRecord.newBuilder().setPath(root.relative(p).substring(prefix.length()))
          .setBytes(Files.size(p)).setSha256(Sha256.hex(p)));
    }
    String sum = "0".repeat(64);
    for (ShardRecord r : m.getShardsList()) {
      sum = SampleDigest.addHex(sum, r.getDigest());
    }
    m.setDigest(sum).setComplete(true);
  }
}
