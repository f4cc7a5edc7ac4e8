package dev.fgbg.core.depth;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.dataset.DepthMap;

/**
 * Depth maps checked before anyone sees them: broken weights (or an input the model cannot
 * handle) give NaN or infinite values, which would be served as depth and cached for good. A
 * batch with one fails every request in it with FAILED_PRECONDITION naming the model. Maps are
 * checked as they will be served: float maps as floats, rounded maps as float16 (where a finite
 * float beyond ±65,504 is infinite too).
 */
final class FiniteDepth {
  private FiniteDepth() {}

  /** Checks maps that are {@code float[]} or {@link DepthMap}. */
  static void check(String model, Object[] maps) {
    long bad = 0;
    long total = 0;
    int mapsBad = 0;
    for (Object m : maps) {
      long before = bad;
      if (m instanceof float[] f) {
        for (float v : f) {
          if (!Float.isFinite(v)) {
            bad++;
          }
        }
        total += f.length;
      } else {
        byte[] half = ((DepthMap) m).half();
        for (int i = 1; i < half.length; i += 2) {
          if ((half[i] & 0x7c) == 0x7c) { // exponent all ones: infinite or NaN
            bad++;
          }
        }
        total += half.length / 2;
      }
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
