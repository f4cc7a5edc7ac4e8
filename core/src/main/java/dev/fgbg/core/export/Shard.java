package dev.fgbg.core.export;

import java.util.ArrayList;
import java.util.List;

/** A unit of export work and resume: indices [start, end) written together. */
record Shard(String name, long start, long end) {

  long size() {
    return end - start;
  }

  /** One shard per background for per-background layouts, else runs of {@code shardSize}. */
  static List<Shard> plan(ExportJob job) {
    List<Shard> out = new ArrayList<>();
    if (job.format().perBackground()) {
      var c = job.dataset().codec();
      long span = (long) c.foregrounds() * c.flips() * c.placements();
      for (long b = job.start() / span; b * span < job.end(); b++) {
        out.add(new Shard(SampleNames.bgFolder((int) b), Math.max(job.start(), b * span),
            Math.min(job.end(), (b + 1) * span)));
      }
    } else {
      int k = 0;
      for (long s = job.start(); s < job.end(); s += job.shardSize()) {
        out.add(new Shard(String.format("shard-%06d", k++), s, Math.min(job.end(),
            s + job.shardSize())));
      }
    }
    return out;
  }
}
