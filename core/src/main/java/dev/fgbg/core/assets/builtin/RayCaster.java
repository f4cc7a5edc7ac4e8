package dev.fgbg.core.assets.builtin;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Cylinder;
import dev.fgbg.core.assets.builtin.Scene.Sphere;

/**
 * Finds the first surface a ray meets in a scene: the room box from inside (or the ground
 * plane), then every box, sphere and cylinder, nearest wins; ties keep the earlier surface.
 */
final class RayCaster {
  /** Where the sky stands, in metres; the renderer clamps depth here too. */
  static final float FAR = 100f;

  private static final Axis[] AXES = Axis.values();

  private RayCaster() {}

  static Hit cast(Scene s, Ray ray) {
    double ox = ray.ox();
    double oy = ray.oy();
    double oz = ray.oz();
    double dx = ray.dx();
    double dy = ray.dy();
    double dz = ray.dz();
    double best;
    Surface what;
    int which = -1;
    Axis axis;
    if (s.indoor) {
      // Inside the room box: the exit point along each axis; the nearest is the surface.
      double tx = dx > 0 ? (s.roomRight - ox) / dx : dx < 0 ? (-s.roomLeft - ox) / dx : 1e18;
      double ty = dy > 0 ? (s.roomHeight - oy) / dy : dy < 0 ? (0 - oy) / dy : 1e18;
      double tz = dz > 0 ? (s.roomDepth - oz) / dz : 1e18;
      best = tx;
      axis = Axis.X;
      if (ty < best) {
        best = ty;
        axis = Axis.Y;
      }
      if (tz < best) {
        best = tz;
        axis = Axis.Z;
      }
      what = Surface.ROOM;
    } else if (dy < 0) {
      best = -oy / dy;
      what = Surface.GROUND;
      axis = Axis.Y;
    } else {
      what = Surface.SKY;
      best = FAR;
      axis = null;
    }
    for (int i = 0; i < s.boxes.size(); i++) {
      Box bx = s.boxes.get(i);
      // Slabs: the ray enters the box where it has entered all three; ax is that last slab.
      double t0 = 0;
      double t1 = best;
      int ax = -1;
      double[] lo = {bx.x0() - ox, bx.y0() - oy, bx.z0() - oz};
      double[] hi = {bx.x1() - ox, bx.y1() - oy, bx.z1() - oz};
      double[] d = {dx, dy, dz};
      boolean miss = false;
      for (int k = 0; k < 3 && !miss; k++) {
        if (Math.abs(d[k]) < 1e-12) {
          if (lo[k] > 0 || hi[k] < 0) {
            miss = true;
          }
          continue;
        }
        double ta = lo[k] / d[k];
        double tb = hi[k] / d[k];
        if (ta > tb) {
          double tmp = ta;
          ta = tb;
          tb = tmp;
        }
        if (ta > t0) {
          t0 = ta;
          ax = k;
        }
        t1 = Math.min(t1, tb);
        if (t0 > t1) {
          miss = true;
        }
      }
      // ax < 0: the origin is inside the box, which does not count as a hit.
      if (!miss && ax >= 0 && t0 < best) {
        best = t0;
        what = Surface.BOX;
        which = i;
        axis = AXES[ax];
      }
    }
    for (int i = 0; i < s.spheres.size(); i++) {
      Sphere sp = s.spheres.get(i);
      double px = ox - sp.x();
      double py = oy - sp.y();
      double pz = oz - sp.z();
      double aa = dx * dx + dy * dy + dz * dz;
      double bb = px * dx + py * dy + pz * dz;
      double cc = px * px + py * py + pz * pz - sp.r() * sp.r();
      double disc = bb * bb - aa * cc;
      if (disc > 0) {
        double t = (-bb - Math.sqrt(disc)) / aa;
        if (t > 0 && t < best) {
          best = t;
          what = Surface.SPHERE;
          which = i;
          axis = null;
        }
      }
    }
    for (int i = 0; i < s.cylinders.size(); i++) {
      Cylinder cy = s.cylinders.get(i);
      double px = ox - cy.x();
      double pz = oz - cy.z();
      double aa = dx * dx + dz * dz;
      double bb = px * dx + pz * dz;
      double cc = px * px + pz * pz - cy.r() * cy.r();
      double disc = bb * bb - aa * cc;
      if (aa > 0 && disc > 0) {
        // The side only, between the ground and the top; the crown hides the top.
        double t = (-bb - Math.sqrt(disc)) / aa;
        double y = oy + t * dy;
        if (t > 0 && t < best && y >= 0 && y <= cy.h()) {
          best = t;
          what = Surface.CYLINDER;
          which = i;
          axis = null;
        }
      }
    }
    return new Hit(best, what, which, axis);
  }
}
