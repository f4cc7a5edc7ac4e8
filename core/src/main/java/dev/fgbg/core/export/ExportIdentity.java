package dev.fgbg.core.export;

import dev.fgbg.core.Quoted;
import dev.fgbg.v1.ExportManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What makes a manifest this export or another: one comparison, which decides a resume and words
 * the refusal (each field that differs as "shard_size 100 here, 50 asked", by its manifest name).
 */
final class ExportIdentity {
  private ExportIdentity() {}

  /** Same identity; a manifest from before selections (stride 0) is a range export. */
  static boolean same(ExportManifest here, ExportManifest asked) {
    // A shard size left unsaid differs only with the format, which differences() names.
    return differences(here, asked).isEmpty()
        && here.getShardSize() == asked.getShardSize();
  }

  /** Each field of {@code here} (at the destination) that differs from {@code asked}, in words. */
  static List<String> differences(ExportManifest here, ExportManifest asked) {
    List<String> d = new ArrayList<>();
    add(d, "manifest_version", here.getManifestVersion(), asked.getManifestVersion());
    if (!here.getFingerprint().equals(asked.getFingerprint())) {
      // Another dataset's fingerprint says nothing more than its name.
      if (!here.getDataset().equals(asked.getDataset())) {
        add(d, "dataset", Quoted.of(here.getDataset()), Quoted.of(asked.getDataset()));
      } else {
        add(d, "fingerprint", prefix(here.getFingerprint()) + "…",
            prefix(asked.getFingerprint()) + "…");
      }
    }
    add(d, "seed", Long.toUnsignedString(here.getSeed()), Long.toUnsignedString(asked.getSeed()));
    add(d, "start", here.getStart(), asked.getStart());
    add(d, "end", here.getEnd(), asked.getEnd());
    add(d, "stride", Math.max(1, here.getStride()), Math.max(1, asked.getStride()));
    add(d, "sample", here.getSample(), asked.getSample());
    add(d, "format", here.getFormat(), asked.getFormat());
    add(d, "outputs", String.join(",", here.getOutputsList()),
        String.join(",", asked.getOutputsList()));
    if (here.getShardSize() != 0 && asked.getShardSize() != 0) {
      // 0: a format whose shards are backgrounds has no shard size; "format" names that.
      add(d, "shard_size", here.getShardSize(), asked.getShardSize());
    }
    add(d, "jpeg_quality", here.getJpegQuality(), asked.getJpegQuality());
    add(d, "depth_npy", here.getDepthNpy(), asked.getDepthNpy());
    if (d.isEmpty()) { // the shard count follows from the fields above unless the plan changed
      add(d, "shards", here.getShardsCount(), asked.getShardsCount());
    }
    return d;
  }

  static String prefix(String fingerprint) {
    return fingerprint.substring(0, Math.min(12, fingerprint.length()));
  }

  private static void add(List<String> d, String field, Object here, Object asked) {
    if (!Objects.equals(here, asked)) {
      d.add(field + " " + here + " here, " + asked + " asked");
    }
  }
}
