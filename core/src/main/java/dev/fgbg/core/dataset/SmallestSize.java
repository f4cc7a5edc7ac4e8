package dev.fgbg.core.dataset;

import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.Foreground;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Resampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The start-up warning for cut-outs that vanish from the mask when drawn small: resampled to the
 * smallest size they can be drawn at (the bottom of their scale range), no pixel of their alpha
 * reaches the mask threshold, so such a sample shows the object in the image while its mask is
 * empty and its box (0,0,0,0) — a thin stroke or a 1-px line, which the native-size check at
 * load cannot see. Warned, not refused: larger draws of it are fine.
 */
final class SmallestSize {
  private static final Logger LOG = Logger.getLogger(SmallestSize.class.getName());
  /** How many such cut-outs the line names. */
  static final int NAMED = 10;

  private SmallestSize() {}

  /** Logs one warning naming the cut-outs whose smallest draw has an empty mask, if any. */
  static void warn(String dataset, Spec spec, List<Foreground> fgs, ScaleFit fit,
      ObjectPlacer placer) {
    List<String> faint = new ArrayList<>();
    for (int i = 0; i < fgs.size(); i++) {
      Foreground f = fgs.get(i);
      int h = fit.height(i, 0.0);
      int w = placer.width(i, h);
      byte[] rgba = (w == f.width() && h == f.height()) ? f.rgba()
          : Resampler.resizeRgba(f.rgba(), f.width(), f.height(), w, h);
      if (!reaches(rgba, spec.maskThreshold())) {
        faint.add(String.format(Locale.ROOT, "%s at %dx%d (scale %.3f)", f.name(), h, w,
            (double) h / spec.height()));
      }
    }
    if (faint.isEmpty()) {
      return;
    }
    LOG.warning(String.format(Locale.ROOT, "dataset %s: %d of %d foregrounds have no pixel at "
        + "or above the mask threshold %d at the smallest size they are drawn at, so a sample "
        + "drawing them that small shows them in the image with an empty mask and box: %s%s; "
        + "raise the smallest --fg-scale, lower --mask-threshold, or thicken them",
        Quoted.of(dataset),
        faint.size(), fgs.size(), spec.maskThreshold(),
        String.join(", ", faint.subList(0, Math.min(NAMED, faint.size()))),
        faint.size() > NAMED ? ", ... and " + (faint.size() - NAMED) + " more" : ""));
  }

  private static boolean reaches(byte[] rgba, int threshold) {
    for (int i = 3; i < rgba.length; i += 4) {
      if ((rgba[i] & 0xff) >= threshold) {
        return true;
      }
    }
    return false;
  }
}
