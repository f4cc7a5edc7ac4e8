package dev.fgbg.core.export;

/** Where an export stands; {@code finished} comes once, with the manifest path and digest. */
public record ExportReport(long done, long total, long bytes, double samplesPerSecond,
    double etaSeconds, String currentShard, int shardsDone, int shardsTotal, int shardsSkipped,
    boolean finished, String manifest, String digest) {

  /** Receives progress; called from the export's own thread. */
  public interface Listener {
    void progress(ExportReport p);
  }
}
