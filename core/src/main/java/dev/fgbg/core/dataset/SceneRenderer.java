package dev.fgbg.core.dataset;

import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.ColourMatch;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
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
    int pixels = spec.width() * spec.height();
    if (hardMask != null && !t.maskZeroed()) {
      Arrays.fill(hardMask, t.maskOff(), t.maskOff() + pixels, (byte) 0);
    }
    byte[] ids = t.instances();
    if (ids != null) {
      Arrays.fill(ids, t.instancesOff(), t.instancesOff() + pixels, (byte) 0);
    }
    if (hardMask == null && depth == null && ids == null) {
      return;
    }
    // Each object writes where it is the one seen, over its own box: the nearer surface wins.
    OcclusionMap map = scene.map();
    int bpv = enc.bytesPerValue();
    byte[] value = new byte[4];
    for (int i = 0; i < scene.objects().size(); i++) {
      SceneObject o = scene.objects().get(i);
      boolean labelled = i < scene.labelled();
      enc.put(value, 0, o.depth());
      int[] b = map.box(o);
      for (int fy = b[1]; fy < b[3]; fy++) {
        int row = (o.y() + fy) * spec.width() + o.x();
        for (int fx = b[0]; fx < b[2]; fx++) {
          int p = row + fx;
          if (map.seen(p) != i) {
            continue;
          }
          if (labelled && hardMask != null) {
            hardMask[t.maskOff() + p] = (byte) 255;
          }
          if (labelled && ids != null) {
            ids[t.instancesOff() + p] = (byte) (i + 1);
          }
          if (depth != null) {
            int d = t.depthOff() + p * bpv;
            depth[d] = value[0];
            depth[d + 1] = value[1];
            if (bpv == 4) {
              depth[d + 2] = value[2];
              depth[d + 3] = value[3];
            }
          }
        }
      }
    }
  }

  private static void paint(SceneObject o, SceneSpec.Blend blend, Spec spec, byte[] img,
      int off) {
    SceneSpec s = spec.scene();
    int w = spec.width();
    int h = spec.height();
    if (!s.colourMatch() && (blend == SceneSpec.Blend.HARD || blend == SceneSpec.Blend.GAUSSIAN)) {
      // The cut-out as it is (feathered once per height), mirrored as it is read.
      byte[] rgba = blend == SceneSpec.Blend.HARD ? o.cutout().rgba() : o.cutout().feathered();
      Compositor.paint(img, off, w, h, rgba, o.width(), o.height(), o.flip(), o.x(), o.y());
      return;
    }
    byte[] rgba = o.cutout().oriented(o.flip());
    if (s.colourMatch()) {
      rgba = ColourMatch.apply(rgba, o.width(), o.height(), spec.maskThreshold(), img, off, w, h,
          o.x(), o.y());
    }
    switch (blend) {
      case HARD -> Compositor.paint(img, off, w, h, rgba, o.width(), o.height(), false, o.x(),
          o.y());
      case GAUSSIAN -> Compositor.paint(img, off, w, h, withFeatheredAlpha(rgba, o), o.width(),
          o.height(), false, o.x(), o.y());
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

  /** {@code rgba} (as placed) with the alpha of {@code o}'s feathered cut-out. */
  private static byte[] withFeatheredAlpha(byte[] rgba, SceneObject o) {
    byte[] feathered = o.cutout().feathered();
    byte[] out = rgba.clone();
    for (int y = 0; y < o.height(); y++) {
      for (int x = 0; x < o.width(); x++) {
        int from = y * o.width() + (o.flip() ? o.width() - 1 - x : x);
        out[(y * o.width() + x) * 4 + 3] = feathered[from * 4 + 3];
      }
    }
    return out;
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
