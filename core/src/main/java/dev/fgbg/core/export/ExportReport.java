package dev.fgbg.core.export;

import java.io.IOException;

/**
 * Where an export stands; {@code finished} comes once, with the manifest path and digest.
 * {@code done} counts samples written so far (for progress); {@code kept} those in complete
 * shards, what stays on disk should the export stop now (a resume redoes the rest).
 */
public record ExportReport(long done, long kept, long total, long bytes,
    double samplesPerSecond, double etaSeconds, String currentShard, int shardsDone,
    int shardsTotal, int shardsSkipped, boolean finished, String manifest, String digest) {

  /** What makes samples kept: a shard's files put in place, its manifest entry, its report. */
  public interface Step {
    void run() throws IOException;
  }

  /** Receives progress; called from the export's own thread. */
  public interface Listener {
    void progress(ExportReport p);

    /**
     * The destination is locked and its manifest read, before any shard is written:
     * {@code kept} samples are in shards a manifest there says are complete (a resume keeps
     * them once each reads back whole; 0 for a new export).
     */
    default void planned(long kept) {}

    /**
     * Runs {@code step} (a shard's commit, manifest entry and report; the export's last
     * manifest and its finished report) only while whoever listens still hears the report it
     * sends: a step it refuses leaves nothing complete (the export then stops as cancelled),
     * so the samples it was last told are those kept, unless its listener ends while the step
     * runs (then the manifest, which a resume reads, counts that shard). Whether it ran.
     */
    default boolean completing(Step step) throws IOException {
      step.run();
      return true;
    }
  }
}
