package dev.fgbg.core.dataset;

import dev.fgbg.core.spec.SceneSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who is seen at each pixel of a scene being built: the front-most object whose mask covers it
 * ({@link SceneObject#inFrontOf}), or none. Objects come in draw order, not depth order; each
 * one either joins, when every labelled object keeps within the caps, or leaves the map as it
 * was. Per object it counts mask pixels inside the image and those still visible, so the caps
 * and the visible fractions are exact.
 *
 * <p>One map per thread, reused: {@link #start} hands it out cleared; it stays valid until that
 * thread's next scene. Clearing costs nothing: each scene has a stamp, a pixel holds stamp +
 * the index of the object seen there, and a value below the stamp is an earlier scene's.
 */
final class OcclusionMap {
  private static final ThreadLocal<OcclusionMap> LOCAL = ThreadLocal.withInitial(
      OcclusionMap::new);
  /** More than the most objects a scene can hold. */
  private static final int STRIDE = 2 * SceneSpec.MAX_OBJECTS + 1;

  private int width;
  private int height;
  private int threshold;
  private int[] owner = new int[0];
  private int stamp;
  private final List<SceneObject> objects = new ArrayList<>();
  private int[] inside = new int[8];
  private int[] visible = new int[8];
  private int[] lost = new int[8];

  private OcclusionMap() {}

  /** This thread's map, cleared for a width×height scene with mask threshold {@code threshold}. */
  static OcclusionMap start(int width, int height, int threshold) {
    OcclusionMap m = LOCAL.get();
    m.width = width;
    m.height = height;
    m.threshold = threshold;
    if (m.owner.length < width * height) {
      m.owner = new int[width * height];
      m.stamp = 0;
    }
    if (m.stamp > Integer.MAX_VALUE - 2 * STRIDE) {
      Arrays.fill(m.owner, 0);
      m.stamp = 0;
    }
    m.stamp += STRIDE;
    m.objects.clear();
    return m;
  }

  /**
   * Adds {@code o} when that keeps each labelled object (itself included) within
   * {@code maxOcclusion} of its in-image mask hidden and {@code o}, when labelled, within
   * {@code maxTruncation} of its mask outside the image; else changes nothing.
   */
  boolean tryAdd(SceneObject o, double maxOcclusion, double maxTruncation) {
    int n = objects.size();
    Arrays.fill(lost, 0, n, 0);
    long[] counts = scan(o, false);
    int in = (int) counts[0];
    int hidden = (int) counts[1];
    if (o.labelled()) {
      int total = o.cutout().maskPixels();
      if (total - in > maxTruncation * total || hidden > maxOcclusion * in) {
        return false;
      }
    }
    for (int i = 0; i < n; i++) {
      if (objects.get(i).labelled() && lost[i] > 0
          && inside[i] - (visible[i] - lost[i]) > maxOcclusion * inside[i]) {
        return false;
      }
    }
    add(o);
    return true;
  }

  /** Adds {@code o} whatever it hides. */
  void add(SceneObject o) {
    int n = objects.size();
    if (n == inside.length) {
      inside = Arrays.copyOf(inside, 2 * n);
      visible = Arrays.copyOf(visible, 2 * n);
      lost = Arrays.copyOf(lost, 2 * n);
    }
    Arrays.fill(lost, 0, n, 0);
    objects.add(o);
    long[] counts = scan(o, true);
    inside[n] = (int) counts[0];
    visible[n] = (int) (counts[0] - counts[1]);
    for (int i = 0; i < n; i++) {
      visible[i] -= lost[i];
    }
  }

  /**
   * Over {@code o}'s mask pixels in the image: {in the image, hidden by a nearer object}; counts
   * into {@code lost} the pixels each earlier object would lose to it, and takes them when
   * {@code commit}.
   */
  private long[] scan(SceneObject o, boolean commit) {
    int me = commit ? objects.size() - 1 : -1;
    long in = 0;
    long hidden = 0;
    int[] b = box(o);
    for (int fy = b[1]; fy < b[3]; fy++) {
      int row = (o.y() + fy) * width + o.x();
      for (int fx = b[0]; fx < b[2]; fx++) {
        if (o.alpha(fx, fy) < threshold) {
          continue;
        }
        in++;
        int p = row + fx;
        int w = owner[p] - stamp;
        if (w < 0 || o.inFrontOf(objects.get(w))) {
          if (w >= 0) {
            lost[w]++;
          }
          if (commit) {
            owner[p] = stamp + me;
          }
        } else {
          hidden++;
        }
      }
    }
    return new long[] {in, hidden};
  }

  /**
   * The part of {@code o}'s mask box inside the image, in its own coordinates as placed:
   * {fx0, fy0, fx1, fy1} (exclusive ends; empty when none).
   */
  int[] box(SceneObject o) {
    var c = o.cutout();
    int bx0 = o.flip() ? o.width() - c.x1() : c.x0();
    int bx1 = o.flip() ? o.width() - c.x0() : c.x1();
    return new int[] {Math.max(bx0, -o.x()), Math.max(c.y0(), -o.y()),
        Math.min(bx1, width - o.x()), Math.min(c.y1(), height - o.y())};
  }

  /** The objects added, in order; {@link #seen} indexes this list. */
  List<SceneObject> objects() {
    return objects;
  }

  /** The index of the object seen at pixel {@code p} (y·width + x), or −1. */
  int seen(int p) {
    int w = owner[p] - stamp;
    return w < 0 ? -1 : w;
  }

  int visible(int i) {
    return visible[i];
  }

  int inside(int i) {
    return inside[i];
  }

  /**
   * The tight box {x0, y0, x1, y1} of object {@code i}'s visible pixels (x1, y1 exclusive; all
   * 0 when none), from a pass over its own box.
   */
  int[] visibleBox(int i) {
    SceneObject o = objects.get(i);
    int[] b = box(o);
    int[] out = {width, height, 0, 0};
    for (int fy = b[1]; fy < b[3]; fy++) {
      int y = o.y() + fy;
      for (int fx = b[0]; fx < b[2]; fx++) {
        int x = o.x() + fx;
        if (owner[y * width + x] == stamp + i) {
          out[0] = Math.min(out[0], x);
          out[1] = Math.min(out[1], y);
          out[2] = Math.max(out[2], x + 1);
          out[3] = Math.max(out[3], y + 1);
        }
      }
    }
    return out[2] == 0 ? new int[4] : out;
  }
}
