package dev.fgbg.core.assets.builtin;

import dev.fgbg.core.assets.Background;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Procedural rooms and outdoor scenes, ray-cast through a pinhole camera so every pixel has an
 * exact depth: the distance along the optical axis (metres) to the first surface hit. Sky is
 * placed at {@link RayCaster#FAR} metres.
 *
 * <p>The camera stands at (0, h, 0) pitched down over the floor Y = 0, so the floor's depth
 * depends on the image row only; that is what foregrounds stand on. Transcendental functions
 * use {@link StrictMath} so the world is bit-identical on every machine.
 */
public final class BuiltinBackgrounds {
  /** Background label names, by label code. */
  public static final List<String> LABELS = SceneKind.labels();

  private BuiltinBackgrounds() {}

  /** Renders backgrounds 0 to {@code count - 1} at the given size. */
  public static List<Background> create(int count, int width, int height) {
    Background[] out = new Background[count];
    IntStream.range(0, count).parallel().forEach(i -> out[i] = render(i, width, height));
    return List.of(out);
  }

  private static Background render(int index, int width, int height) {
    Scene s = SceneDescriber.describe(index);
    double f = (width / 2.0) / StrictMath.tan(s.hfov / 2);
    double cx = width / 2.0;
    double cy = height / 2.0;
    double sp = StrictMath.sin(s.pitch);
    double cp = StrictMath.cos(s.pitch);
    byte[] rgb = new byte[width * height * 3];
    float[] depth = new float[width * height];
    float[] floor = new float[height];
    // The floor plane's depth per row; feet may stand from the highest row whose floor point is
    // still in front of the back wall (indoors) or within 40 m (outdoors).
    int footMin = height - 1;
    double maxFloorZ = s.indoor ? s.roomDepth - 0.4 : 40;
    for (int v = height - 1; v >= 0; v--) {
      double b = (v + 0.5 - cy) / f;
      double down = b * cp + sp; // -dir.y
      if (down <= 1e-9) {
        floor[v] = Float.NaN;
        continue;
      }
      double t = s.camH / down;
      double worldZ = t * (cp - b * sp);
      floor[v] = (float) t;
      if (worldZ <= maxFloorZ) {
        footMin = v;
      }
    }
    for (int v = 0; v < footMin; v++) {
      floor[v] = Float.NaN;
    }
    for (int v = 0; v < height; v++) {
      double b = (v + 0.5 - cy) / f;
      for (int u = 0; u < width; u++) {
        double a = (u + 0.5 - cx) / f;
        // dir = a*right - b*up + forward; right=(1,0,0) up=(0,cp,sp) forward=(0,-sp,cp).
        // Forward has unit weight, so the ray parameter of a hit is its depth.
        double dx = a;
        double dy = -b * cp - sp;
        double dz = -b * sp + cp;
        Ray ray = new Ray(0, s.camH, 0, dx, dy, dz);
        Hit hit = RayCaster.cast(s, ray);
        int c = SurfaceShader.shade(s, ray, hit);
        int p = v * width + u;
        depth[p] = (float) Math.min(hit.t(), RayCaster.FAR);
        rgb[p * 3] = (byte) (c >>> 16);
        rgb[p * 3 + 1] = (byte) (c >>> 8);
        rgb[p * 3 + 2] = (byte) c;
      }
    }
    String name = String.format("builtin_bg_%03d_%s", index, s.kind.label());
    return new Background(name, s.kind.ordinal(), width, height, rgb, depth, floor, footMin);
  }
}
