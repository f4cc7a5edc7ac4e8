package dev.fgbg.core.dataset;

import dev.fgbg.core.assets.Background;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The reference a scene's outputs must equal, computed the slow, obvious way from the planned
 * objects alone: every object is painted, far to near, into per-pixel lists of (object, alpha);
 * at each pixel the nearest object whose alpha reaches the threshold is the one seen, and the
 * hard-alpha image is the list composited in order over the background.
 *
 * @param depth float32 depth as served, or null without depth
 * @param inImage per object, its mask pixels inside the image
 * @param visible per object, those seen
 * @param boxes per object, the tight box {x0, y0, x1, y1} of those seen (all 0 when none)
 */
record BruteForceScene(byte[] image, byte[] mask, byte[] instances, byte[] depth, int[] inImage,
    int[] visible, int[][] boxes) {

  private record Layer(int object, int alpha, int r, int g, int b) {}

  static BruteForceScene of(Dataset d, Scene scene) {
    int w = d.spec().width();
    int h = d.spec().height();
    int threshold = d.spec().maskThreshold();
    List<SceneObject> objects = scene.objects();
    // Far to near: larger distance first; at equal distance the higher foot, then the earlier slot.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingDouble(i -> -objects.get(i).distance())
        .thenComparingInt(i -> objects.get(i).foot()).thenComparingInt(i -> objects.get(i).slot()));
    @SuppressWarnings("unchecked")
    List<Layer>[] layers = new List[w * h];
    for (int p = 0; p < w * h; p++) {
      layers[p] = new ArrayList<>();
    }
    int[] inImage = new int[objects.size()];
    for (int i : order) {
      SceneObject o = objects.get(i);
      byte[] rgba = o.cutout().rgba();
      for (int fy = 0; fy < o.height(); fy++) {
        for (int fx = 0; fx < o.width(); fx++) {
          int x = o.x() + fx;
          int y = o.y() + fy;
          if (x < 0 || y < 0 || x >= w || y >= h) {
            continue;
          }
          int s = (fy * o.width() + (o.flip() ? o.width() - 1 - fx : fx)) * 4;
          int a = rgba[s + 3] & 0xff;
          layers[y * w + x].add(new Layer(i, a, rgba[s] & 0xff, rgba[s + 1] & 0xff,
              rgba[s + 2] & 0xff));
          inImage[i] += a >= threshold ? 1 : 0;
        }
      }
    }
    Background bg = d.assets().backgrounds().get(scene.bg());
    byte[] image = bg.rgb().clone();
    byte[] mask = new byte[w * h];
    byte[] instances = new byte[w * h];
    float[] bgDepth = bg.depth();
    byte[] depth = bgDepth == null ? null : DepthEncoding.FLOAT32.encode(bgDepth);
    int[] visible = new int[objects.size()];
    int[][] boxes = new int[objects.size()][];
    for (int i = 0; i < boxes.length; i++) {
      boxes[i] = new int[] {w, h, 0, 0};
    }
    for (int p = 0; p < w * h; p++) {
      int seen = -1;
      for (Layer l : layers[p]) {
        int[] c = {l.r(), l.g(), l.b()};
        for (int k = 0; k < 3; k++) {
          int under = image[p * 3 + k] & 0xff;
          image[p * 3 + k] = (byte) ((c[k] * l.alpha() + under * (255 - l.alpha()) + 127) / 255);
        }
        seen = l.alpha() >= threshold ? l.object() : seen;
      }
      if (seen < 0) {
        continue;
      }
      visible[seen]++;
      int[] b = boxes[seen];
      b[0] = Math.min(b[0], p % w);
      b[1] = Math.min(b[1], p / w);
      b[2] = Math.max(b[2], p % w + 1);
      b[3] = Math.max(b[3], p / w + 1);
      boolean labelled = objects.get(seen).labelled();
      mask[p] = (byte) (labelled ? 255 : 0);
      instances[p] = (byte) (labelled ? seen + 1 : 0);
      if (depth != null) {
        DepthEncoding.FLOAT32.put(depth, p * 4, objects.get(seen).depth());
      }
    }
    for (int[] b : boxes) {
      if (b[2] == 0) {
        b[0] = 0;
        b[1] = 0;
        b[3] = 0;
      }
    }
    return new BruteForceScene(image, mask, instances, depth, inImage, visible, boxes);
  }
}
