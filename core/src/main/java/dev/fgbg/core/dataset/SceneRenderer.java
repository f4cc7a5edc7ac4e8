package dev.fgbg.core.dataset;

import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.ColourMatch;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.core.synth.Feather;
import dev.fgbg.core.synth.MotionBlur;
import dev.fgbg.core.synth.PoissonBlend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Renders a planned {@link Scene}: the image by painting its objects far to near, each in the
 * scene's blending mode (after colour matching, when asked); mask, depth and instance ids from
 * who is seen at each pixel, so the nearer surface wins: the mask is 255 where a labelled object
 * is seen (the union of the instance masks) or, with a soft mask, the labelled alpha composited
 * far to near; depth is the depth of the object seen, else the background's.
 */
final class SceneRenderer {
  private SceneRenderer() {}

  static void render(Scene scene, Spec spec, byte[] bgRgb, byte[] bgDepth, DepthEncoding enc,
      Compositor.Target t) {
    List<SceneObject> farToNear = new ArrayList<>(scene.objects());
    farToNear.sort((a, b) -> a == b ? 0 : a.inFrontOf(b) ? 1 : -1);
    if (t.image() != null) {
      System.arraycopy(bgRgb, 0, t.image(), t.imageOff(), spec.width() * spec.height() * 3);
      for (SceneObject o : farToNear) {
        paint(o, scene.blend(), spec, t.image(), t.imageOff());
      }
    }
    if (t.mask() != null && spec.softMask()) {
      softMask(farToNear, spec, t);
    }
    byte[] depth = bgDepth != null ? t.depth() : null;
    if (depth != null) {
      System.arraycopy(bgDepth, 0, depth, t.depthOff(), bgDepth.length);
    }
    byte[] hardMask = spec.softMask() ? null : t.mask();
    if (hardMask == null && depth == null && t.instances() == null) {
      return;
    }
    int n = scene.objects().size();
    int bpv = enc.bytesPerValue();
    byte[] values = new byte[n * bpv];
    for (int i = 0; i < n; i++) {
      enc.put(values, i * bpv, scene.objects().get(i).depth());
    }
    int[] owner = scene.map().owner();
    int labelled = scene.labelled();
    for (int p = 0; p < spec.width() * spec.height(); p++) {
      int w = owner[p];
      if (hardMask != null) {
        hardMask[t.maskOff() + p] = (byte) (w >= 0 && w < labelled ? 255 : 0);
      }
      if (t.instances() != null) {
        t.instances()[t.instancesOff() + p] = (byte) (w >= 0 && w < labelled ? w + 1 : 0);
      }
      if (depth != null && w >= 0) {
        System.arraycopy(values, w * bpv, depth, t.depthOff() + p * bpv, bpv);
      }
    }
  }

  private static void paint(SceneObject o, SceneSpec.Blend blend, Spec spec, byte[] img,
      int off) {
    SceneSpec s = spec.scene();
    int w = spec.width();
    int h = spec.height();
    byte[] rgba = o.cutout().oriented(o.flip());
    if (s.colourMatch()) {
      rgba = ColourMatch.apply(rgba, o.width(), o.height(), spec.maskThreshold(), img, off, w, h,
          o.x(), o.y());
    }
    switch (blend) {
      case HARD -> Compositor.paint(img, off, w, h, rgba, o.width(), o.height(), false, o.x(),
          o.y());
      case GAUSSIAN -> Compositor.paint(img, off, w, h,
          Feather.apply(rgba, o.width(), o.height(), s.featherSigma()), o.width(), o.height(),
          false, o.x(), o.y());
      case MOTION -> {
        MotionBlur m = MotionBlur.apply(rgba, o.width(), o.height(), s.motionLength(),
            o.angle());
        Compositor.paint(img, off, w, h, m.rgba(), m.width(), m.height(), false, o.x() + m.dx(),
            o.y() + m.dy());
      }
      case POISSON -> PoissonBlend.paint(img, off, w, h, rgba, o.width(), o.height(), o.x(),
          o.y(), spec.maskThreshold());
      default -> throw new IllegalStateException("blend " + blend);
    }
  }

  /** The labelled alpha composited far to near: a distractor in front takes its share away. */
  private static void softMask(List<SceneObject> farToNear, Spec spec, Compositor.Target t) {
    byte[] mask = t.mask();
    int w = spec.width();
    int h = spec.height();
    if (!t.maskZeroed()) {
      Arrays.fill(mask, t.maskOff(), t.maskOff() + w * h, (byte) 0);
    }
    for (SceneObject o : farToNear) {
      for (int fy = Math.max(0, -o.y()); fy < Math.min(o.height(), h - o.y()); fy++) {
        int row = t.maskOff() + (o.y() + fy) * w + o.x();
        for (int fx = Math.max(0, -o.x()); fx < Math.min(o.width(), w - o.x()); fx++) {
          int a = o.alpha(fx, fy);
          if (a == 0) {
            continue;
          }
          int m = mask[row + fx] & 0xff;
          int kept = m * (255 - a);
          mask[row + fx] = (byte) (((o.labelled() ? a * 255 + kept : kept) + 127) / 255);
        }
      }
    }
  }
}
