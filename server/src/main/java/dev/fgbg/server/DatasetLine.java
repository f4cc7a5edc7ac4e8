package dev.fgbg.server;

import dev.fgbg.common.InWords;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthKey;
import dev.fgbg.core.depth.DepthRecord;
import dev.fgbg.core.depth.DepthSettings;
import dev.fgbg.core.synth.DepthEncoding;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;

/** The start-up log line of a served dataset. */
final class DatasetLine {
  private DatasetLine() {}

  /**
   * Each dataset's start-up line, then the warnings of a scene's objects minimum cut by its
   * caps ({@link ObjectsProbe}), of an unused {@code --cache-dir} or
   * {@code --depth-store} and of a store holding nothing for a dataset; {@code folders}: some
   * dataset is read from folders (its photos use the cache folder).
   */
  static void logAll(List<Dataset> datasets, DepthSettings depth, boolean folders, Logger log) {
    datasets.forEach(d -> log.info(of(d, depth)));
    datasets.forEach(d -> ObjectsProbe.warning(d).ifPresent(log::warning));
    unusedCacheDir(datasets, depth, folders).ifPresent(log::warning);
    unusedDepthStore(datasets, depth).ifPresent(log::warning);
    datasets.forEach(d -> emptyDepthStore(d, depth).ifPresent(log::warning));
  }

  /**
   * The line: what it is, and for teacher depth what the cache keeps: without a disk tier how
   * much the memory tier can, with one how much is on disk already.
   */
  static String of(Dataset d, DepthSettings depth) {
    return describe(d) + cacheReach(d, depth) + onDisk(d) + inStore(d) + diskReach(d, depth);
  }

  private static String describe(Dataset d) {
    return String.format(Locale.ROOT, "dataset %s: %,d samples = %d bg x %d fg x %s x %s"
            + ", %dx%d%s, depth %s, fingerprint %s", Quoted.of(d.name()), d.size(),
        d.codec().backgrounds(), d.codec().foregrounds(), InWords.count(d.codec().flips(), "flip"),
        InWords.count(d.codec().placements(), "placement"), d.spec().height(), d.spec().width(),
        scene(d),
        d.hasDepth() ? d.depthSource() + " (float16 " + d.depthUnits() + ")" : "none",
        d.fingerprint());
  }

  /** A scene's objects, so that its line is told from a classic composite's. */
  private static String scene(Dataset d) {
    if (!d.spec().isScene()) {
      return "";
    }
    int least = d.spec().scene().objectsMin();
    int most = d.spec().scene().objectsMax();
    return ", scenes of " + (least == most ? least : least + "-" + most) + " object"
        + (most == 1 ? "" : "s") + " (describe shows their settings)";
  }

  /**
   * A warning when {@code --cache-dir} is set but no dataset has teacher depth from a model, the
   * only depth it keeps, and none was read from photo folders ({@code photos} false), whose
   * prepared photos it keeps (a user who set it would otherwise think something is kept); else
   * none.
   */
  static Optional<String> unusedCacheDir(List<Dataset> datasets, DepthSettings s,
      boolean photos) {
    return photos ? Optional.empty() : unused(datasets, "--cache-dir", s.cacheDir(),
        " and no dataset is read from photo folders, so nothing is cached there");
  }

  /** As {@link #unusedCacheDir}, for {@code --depth-store}: only teacher depth reads it. */
  static Optional<String> unusedDepthStore(List<Dataset> datasets, DepthSettings s) {
    return unused(datasets, "--depth-store", s.depthStore(), ", so nothing is read from it");
  }

  /**
   * The warning that {@code flag}, set to {@code dir}, is unused without teacher depth;
   * {@code so}: the rest of its sentence.
   */
  private static Optional<String> unused(List<Dataset> datasets, String flag, Path dir,
      String so) {
    return dir == null || datasets.stream().anyMatch(d -> d.teacher() != null)
        ? Optional.empty() : Optional.of(flag + " " + dir + " is unused: no dataset has teacher"
        + " depth from a depth model (--depth-model, or a --config dataset naming one)" + so);
  }

  /**
   * For teacher depth with a disk tier: how much of it is there already (the tier's own line
   * counts the records of every dataset and model in the folder).
   */
  private static String onDisk(Dataset d) {
    OptionalLong n = d.teacher() == null ? OptionalLong.empty() : d.teacher().mapsOnDisk(d);
    return n.isEmpty() ? "" : String.format(Locale.ROOT, "; %,d of its depth maps (this model, "
        + "any seed) are in the depth disk cache already", n.getAsLong());
  }

  /** For teacher depth with a depth store: how many of its maps the store holds. */
  private static String inStore(Dataset d) {
    OptionalLong n = d.teacher() == null ? OptionalLong.empty() : d.teacher().mapsInStore(d);
    return n.isEmpty() ? "" : String.format(Locale.ROOT, "; %,d of its depth maps (any seed) are"
        + " in the depth store", n.getAsLong());
  }

  /**
   * A warning for a dataset with teacher depth whose fingerprint the depth store holds nothing
   * for: every map would be computed by the model, silently (the store hits stay 0).
   */
  static Optional<String> emptyDepthStore(Dataset d, DepthSettings s) {
    OptionalLong n = d.teacher() == null ? OptionalLong.empty() : d.teacher().mapsInStore(d);
    return n.isEmpty() || n.getAsLong() > 0 ? Optional.empty() : Optional.of("dataset "
        + Quoted.of(d.name()) + ": --depth-store " + s.depthStore()
        + " holds no depth maps for its"
        + " fingerprint " + d.fingerprint() + ": the store was built for other assets or options"
        + " (or another depth model), so the model computes every map; run the Spark depth job"
        + " for this dataset as served, or fix --depth-store");
  }

  /**
   * For teacher depth with a disk tier whose limit holds fewer than one seed's maps: the tier
   * evicts oldest first, so a pass in index order evicts the very maps it reads next.
   */
  private static String diskReach(Dataset d, DepthSettings s) {
    if (d.teacher() == null || s.cacheDir() == null || s.depthStore() != null) {
      return "";
    }
    long record = DepthRecord.size(new DepthKey(d.fingerprint(), 0, d.size() - 1),
        d.depthBytes(DepthEncoding.FLOAT16) / 2);
    // The tier's own limit: the default's is known once the tier has seen the free space.
    long limit = d.teacher().diskLimit().orElse(s.diskBytes());
    long maps = limit / record;
    return limit < 0 || maps >= d.size() ? "" : String.format(Locale.ROOT, "; the depth disk "
        + "cache's limit (--disk-cache-gb) holds about %,d of its %,d maps of a seed: a pass "
        + "evicts maps it reads again later, so about %.2f GB would keep them", maps, d.size(),
        Math.ceil(record * (double) d.size() / 1e7) / 100);
  }

  /** For teacher depth without a disk tier: how much of it the memory tier can keep. */
  private static String cacheReach(Dataset d, DepthSettings s) {
    long maps = s.memoryBytes() / (d.depthBytes(DepthEncoding.FLOAT16) + 64L);
    return d.teacher() == null || s.cacheDir() != null || s.depthStore() != null
        || maps >= d.size() ? "" : String.format(
        Locale.ROOT, "; the memory tier of the depth cache keeps about %,d of its %,d maps "
        + "(--depth-cache-mb): the rest are recomputed when asked again (--cache-dir keeps them)",
        maps, d.size());
  }
}
