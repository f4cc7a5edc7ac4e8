package dev.fgbg.core.export;

/**
 * Where an export stands; {@code finished} comes once, with the manifest path and digest.
 * {@code done} counts samples written so far (for progress); {@code kept} those in complete
 * shards, what stays on disk should the export stop now (a resume redoes the rest).
 */
public record ExportReport(long done, long kept, long total, long bytes,
    double samplesPerSecond, double etaSeconds, String currentShard, int shardsDone,
    int shardsTotal, int shardsSkipped, boolean finished, String manifest, String digest) {

  /** Receives progress; called from the export's own thread. */
  public interface Listener {
    void progress(ExportReport p);

    /**
     * The destination is locked and its manifest read, before any shard is written:
     * {@code kept} samples are in shards a manifest there says are complete (a resume keeps
     * them once each reads back whole; 0 for a new export).
     */
    default void planned(long kept) {}
  }
}
