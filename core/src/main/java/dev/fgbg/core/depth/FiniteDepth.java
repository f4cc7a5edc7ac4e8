package dev.fgbg.core.depth;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;

/**
 * Depth maps checked before anyone sees them: broken weights (or an input the model cannot
 * handle) give NaN or infinite values, which would be served as depth and cached for good. A
 * batch with one fails every request in it with FAILED_PRECONDITION naming the model.
 */
final class FiniteDepth {
  private FiniteDepth() {}

  static void check(String model, float[][] maps) {
    long bad = 0;
    long total = 0;
    int mapsBad = 0;
    for (float[] m : maps) {
      long before = bad;
      for (float v : m) {
        if (!Float.isFinite(v)) {
          bad++;
        }
      }
      total += m.length;
      mapsBad += bad > before ? 1 : 0;
    }
    if (bad > 0) {
      throw FgbgException.failedPrecondition(String.format("depth model %s produced %,d NaN or"
          + " infinite values of %,d (in %d of %d maps of the batch); nothing of the batch is"
          + " served or cached: check the model's weights and config", Quoted.of(model), bad,
          total, mapsBad, maps.length));
    }
  }
}
