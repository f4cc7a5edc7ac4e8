package dev.fgbg.core.assets.builtin;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny 2-D vector canvas: signed-distance shapes painted in order, with one-pixel anti-aliased
 * coverage and a soft "pillow" shading lit from the upper left, rendered to straight RGBA.
 */
final class Sprite {
  /** Signed distance in pixels: negative inside. */
  interface Sdf {
    double at(double x, double y);
  }

  private record Shape(Sdf sdf, double x0, double y0, double x1, double y1, int rgb, double rim) {}

  private final int width;
  private final int height;
  private final List<Shape> shapes = new ArrayList<>();

  Sprite(int width, int height) {
    this.width = width;
    this.height = height;
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  /** Adds a shape with its bounding box (for speed) and the depth of its shaded rim. */
  Sprite add(Sdf sdf, double x0, double y0, double x1, double y1, int rgb, double rim) {
    shapes.add(new Shape(sdf, x0 - 1, y0 - 1, x1 + 1, y1 + 1, rgb, Math.max(1, rim)));
    return this;
  }

  Sprite circle(double cx, double cy, double r, int rgb) {
    return add((x, y) -> len(x - cx, y - cy) - r, cx - r, cy - r, cx + r, cy + r, rgb, r * 0.6);
  }

  Sprite ellipse(double cx, double cy, double rx, double ry, int rgb) {
    double m = Math.min(rx, ry);
    return add((x, y) -> (len((x - cx) / rx, (y - cy) / ry) - 1) * m,
        cx - rx, cy - ry, cx + rx, cy + ry, rgb, m * 0.6);
  }

  Sprite ring(double cx, double cy, double r, double thickness, int rgb) {
    return add((x, y) -> Math.abs(len(x - cx, y - cy) - r) - thickness / 2,
        cx - r - thickness, cy - r - thickness, cx + r + thickness, cy + r + thickness, rgb,
        thickness * 0.5);
  }

  /** A segment from (ax, ay) to (bx, by) with radius r (limbs, poles, frames). */
  Sprite capsule(double ax, double ay, double bx, double by, double r, int rgb) {
    double dx = bx - ax;
    double dy = by - ay;
    double len2 = Math.max(1e-9, dx * dx + dy * dy);
    return add((x, y) -> {
      double t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
      return len(x - ax - t * dx, y - ay - t * dy) - r;
    }, Math.min(ax, bx) - r, Math.min(ay, by) - r, Math.max(ax, bx) + r, Math.max(ay, by) + r,
        rgb, r * 0.7);
  }

  /** An axis-aligned box with rounded corners. */
  Sprite box(double x0, double y0, double x1, double y1, double radius, int rgb) {
    double cx = (x0 + x1) / 2;
    double cy = (y0 + y1) / 2;
    double hx = (x1 - x0) / 2 - radius;
    double hy = (y1 - y0) / 2 - radius;
    return add((x, y) -> {
      double qx = Math.abs(x - cx) - hx;
      double qy = Math.abs(y - cy) - hy;
      return len(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
    }, x0, y0, x1, y1, rgb, Math.min(x1 - x0, y1 - y0) * 0.3);
  }

  /** A convex polygon, vertices in order. */
  Sprite polygon(double[] xs, double[] ys, int rgb) {
    int n = xs.length;
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      minX = Math.min(minX, xs[i]);
      maxX = Math.max(maxX, xs[i]);
      minY = Math.min(minY, ys[i]);
      maxY = Math.max(maxY, ys[i]);
    }
    return add((x, y) -> {
      double d = Double.MAX_VALUE;
      boolean inside = false;
      for (int i = 0, j = n - 1; i < n; j = i++) {
        double ex = xs[j] - xs[i];
        double ey = ys[j] - ys[i];
        double wx = x - xs[i];
        double wy = y - ys[i];
        double t = Math.max(0, Math.min(1, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
        d = Math.min(d, len(wx - ex * t, wy - ey * t));
        if ((ys[i] > y) != (ys[j] > y) && x < ex * (y - ys[i]) / ey + xs[i]) {
          inside = !inside;
        }
      }
      return inside ? -d : d;
    }, minX, minY, maxX, maxY, rgb, Math.min(maxX - minX, maxY - minY) * 0.3);
  }

  /** Euclidean length; sqrt is exact in IEEE, unlike hypot's allowed error. */
  private static double len(double x, double y) {
    return Math.sqrt(x * x + y * y);
  }

  /** Renders to straight-alpha RGBA. */
  byte[] render(long textureKey) {
    byte[] out = new byte[width * height * 4];
    for (int py = 0; py < height; py++) {
      for (int px = 0; px < width; px++) {
        double x = px + 0.5;
        double y = py + 0.5;
        double r = 0;
        double g = 0;
        double b = 0;
        double a = 0;
        for (Shape s : shapes) {
          if (x < s.x0 || x > s.x1 || y < s.y0 || y > s.y1) {
            continue;
          }
          double d = s.sdf.at(x, y);
          double cov = Math.max(0, Math.min(1, 0.5 - d));
          if (cov <= 0) {
            continue;
          }
          double inner = Math.min(1, Math.max(0, -d) / s.rim);
          double cxs = (s.x0 + s.x1) / 2;
          double cys = (s.y0 + s.y1) / 2;
          double dir = ((cxs - x) / Math.max(1, s.x1 - s.x0)
              + (cys - y) / Math.max(1, s.y1 - s.y0));
          double shade = (0.7 + 0.3 * Math.sqrt(inner)) * (1 + 0.25 * dir);
          shade *= 0.97 + 0.06 * WorldRandom.hash(px, py, textureKey);
          r = r * (1 - cov) + Math.min(255, ((s.rgb >>> 16) & 0xff) * shade) * cov;
          g = g * (1 - cov) + Math.min(255, ((s.rgb >>> 8) & 0xff) * shade) * cov;
          b = b * (1 - cov) + Math.min(255, (s.rgb & 0xff) * shade) * cov;
          a = a * (1 - cov) + cov;
        }
        int o = (py * width + px) * 4;
        if (a > 0) {
          out[o] = (byte) Math.round(Math.min(255, r / a));
          out[o + 1] = (byte) Math.round(Math.min(255, g / a));
          out[o + 2] = (byte) Math.round(Math.min(255, b / a));
          out[o + 3] = (byte) Math.round(a * 255);
        }
      }
    }
    return out;
  }
}
