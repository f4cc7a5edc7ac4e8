package dev.fgbg.core.export;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.Rate;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.ShardRecord;

/** Counts an export's samples and bytes and turns them into progress reports with a rate. */
final class ProgressMeter {
  private final long total;
  private final Ticker ticker;
  private final long startNanos;
  private long done;
  private long kept;
  private long bytes;
  private int skipped;

  ProgressMeter(long total, Ticker ticker) {
    this.total = total;
    this.ticker = ticker;
    this.startNanos = ticker.read();
  }

  /** A shard found complete from an earlier run. */
  void skipped(long samples) {
    done += samples;
    kept += samples;
    skipped++;
  }

  /** A shard this run wrote is complete (in the manifest): its samples are kept. */
  void completed(long samples) {
    kept += samples;
  }

  void written(long samples, long written) {
    done += samples;
    bytes += written;
  }

  ExportReport report(String shard, ExportManifest.Builder m) {
    return progress(done, shard, m, false, null, null);
  }

  ExportReport finished(ExportManifest.Builder m, String manifest, String digest) {
    kept = total;
    return progress(total, "", m, true, manifest, digest);
  }

  private ExportReport progress(long at, String shard, ExportManifest.Builder m,
      boolean finished, String manifest, String digest) {
    Rate rate = Rate.of(at, total, ticker.read() - startNanos);
    int shardsDone = (int) m.getShardsList().stream().filter(ShardRecord::getComplete).count();
    return new ExportReport(at, kept, total, bytes, rate.perSecond(),
        finished ? 0 : rate.etaSeconds(), shard, shardsDone, m.getShardsCount(), skipped,
        finished, manifest, digest);
  }
}
