package dev.fgbg.core.export;

import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.synth.IndexCodec;
import dev.fgbg.v1.ShardRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A unit of export work and resume: positions [from, to) of the export's selection, written
 * together. Its record in the manifest names the dataset indices it spans (for a range export
 * exactly its indices).
 */
record Shard(String name, long from, long to) {

  long size() {
    return to - from;
  }

  /** The shard's record with its name and the indices it spans (not complete). */
  ShardRecord.Builder record(Selection s) {
    return ShardRecord.newBuilder().setName(name).setStart(s.indexAt(from))
        .setEnd(s.indexAt(to - 1) + 1);
  }

  /**
   * One shard per background met, for per-background layouts (the selection is ascending, so a
   * background's samples are one run of positions), else runs of {@code shardSize}.
   */
  static List<Shard> plan(ExportJob job) {
    List<Shard> out = new ArrayList<>();
    Selection sel = job.selection();
    if (job.format().perBackground()) {
      IndexCodec c = job.dataset().codec();
      long span = (long) c.foregrounds() * c.flips() * c.placements();
      for (long p = 0; p < sel.size(); ) {
        int bg = c.bg(sel.indexAt(p));
        long next = sel.firstAtOrAfter((bg + 1) * span);
        out.add(new Shard(SampleNames.bgFolder(bg), p, next));
        p = next;
      }
    } else {
      int k = 0;
      for (long p = 0; p < sel.size(); p += job.shardSize()) {
        out.add(new Shard(String.format("shard-%06d", k++), p, Math.min(sel.size(),
            p + job.shardSize())));
      }
    }
    return out;
  }
}
