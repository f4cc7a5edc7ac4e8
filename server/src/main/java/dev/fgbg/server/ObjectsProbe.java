package dev.fgbg.server;

import dev.fgbg.core.Quoted;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.spec.SceneSpec;
import java.util.Locale;
import java.util.Optional;

/**
 * The start-up warning that a scene's objects minimum is cut by its caps: an object the
 * occlusion or truncation cap would break is re-drawn, then left out, so {@code --objects
 * MIN:MAX} is a target, not a promise. Up to the first {@link #SAMPLES} samples of seed 0 are
 * placed (no pixels) to see it; a dataset with teacher depth is not probed, as its placement
 * would run the model.
 */
final class ObjectsProbe {
  /** How many samples are placed: a few, so that start-up does not wait on it. */
  static final int SAMPLES = 8;

  private ObjectsProbe() {}

  /** The warning for {@code d}, or none (a classic spec, MIN 1, or no probed sample short). */
  static Optional<String> warning(Dataset d) {
    if (!d.spec().isScene() || d.spec().scene().objectsMin() <= 1 || d.teacher() != null) {
      return Optional.empty();
    }
    SceneSpec s = d.spec().scene();
    // The first short sample ends it: a crowded scene, whose re-draws cost most, is told soon.
    for (int i = 0; i < Math.min(SAMPLES, d.size()); i++) {
      int n = d.place(0, i).instances().size();
      if (n < s.objectsMin()) {
        return Optional.of(String.format(Locale.ROOT, "dataset %s: sample %d (seed 0) has %d "
            + "labelled objects, fewer than the %d of objects %d:%d: an object that would be "
            + "hidden more than max_occlusion %s or cut more than max_truncation %s is re-drawn "
            + "a few times, then left out, so MIN is a target the caps can cut; loosen them "
            + "(--max-occlusion, --max-truncation), lower MIN or use a larger --size for the "
            + "full count", Quoted.of(d.name()), i, n, s.objectsMin(), s.objectsMin(),
            s.objectsMax(),
            s.maxOcclusion(), s.maxTruncation()));
      }
    }
    return Optional.empty();
  }
}
