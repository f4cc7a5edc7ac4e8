package dev.fgbg.core.dataset;

import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.Foreground;
import dev.fgbg.core.spec.Spec;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Per foreground, the scale range it is drawn in, so that any cut-out shape fits the output.
 * A foreground that fits at {@code fg_scale_max} is drawn in the spec's range, exactly as
 * before this rule existed. A wider one gets the spec's whole range multiplied by a factor
 * {@code c} = (the largest height at which it fits) / (fg_scale_max × H): it is drawn smaller,
 * with the same spread of sizes, never refused.
 */
final class ScaleFit {
  private static final Logger LOG = Logger.getLogger(ScaleFit.class.getName());

  private final Spec spec;
  private final List<Foreground> foregrounds;
  private final double[] factor;

  ScaleFit(Spec spec, List<Foreground> foregrounds) {
    this.spec = spec;
    this.foregrounds = foregrounds;
    this.factor = new double[foregrounds.size()];
    int top = height(1.0, 1.0);
    for (int i = 0; i < factor.length; i++) {
      int fits = tallestFitting(foregrounds.get(i));
      factor[i] = fits >= top ? 1.0 : fits / (spec.height() * spec.fgScaleMax());
    }
  }

  /** The width of {@code f} drawn {@code height} pixels tall (before clamping to the output). */
  static long widthAt(Foreground f, int height) {
    return Math.round((double) height * f.width() / f.height());
  }

  /** The height of foreground {@code fg} for the placement draw {@code u} in [0, 1). */
  int height(int fg, double u) {
    return height(u, factor[fg]);
  }

  private int height(double u, double c) {
    double s = spec.fgScaleMin() + (spec.fgScaleMax() - spec.fgScaleMin()) * u;
    if (c != 1.0) {
      s *= c;
    }
    return (int) Math.max(1, Math.min(spec.height(), Math.round(spec.height() * s)));
  }

  /** {min, max} scale of foreground {@code fg}, as fractions of the output height. */
  double[] range(int fg) {
    return new double[] {spec.fgScaleMin() * factor[fg], spec.fgScaleMax() * factor[fg]};
  }

  /** The largest height at which {@code f} is at most the output's width (at least 1). */
  private int tallestFitting(Foreground f) {
    int h = (int) Math.min(spec.height(),
        Math.floor((spec.width() + 0.5) * f.height() / f.width()) + 1);
    while (h > 1 && widthAt(f, h) > spec.width()) {
      h--;
    }
    return Math.max(1, h);
  }

  /** One line when some foregrounds are drawn smaller than the spec's range. */
  void log(String dataset) {
    int shrunk = 0;
    int widest = -1;
    for (int i = 0; i < factor.length; i++) {
      if (factor[i] < 1.0) {
        shrunk++;
        widest = widest < 0 || factor[i] < factor[widest] ? i : widest;
      }
    }
    if (shrunk > 0) {
      LOG.info(String.format(Locale.ROOT, "dataset %s: %d of %d foregrounds are too wide for "
              + "fg_scale_max %s at %dx%d and are drawn smaller (the widest, %s, at %.3f times "
              + "the scale range)", Quoted.of(dataset), shrunk, factor.length, spec.fgScaleMax(),
          spec.height(), spec.width(), foregrounds.get(widest).name(), factor[widest]));
    }
  }
}
