package dev.fgbg.core.assets.builtin;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Cylinder;
import dev.fgbg.core.assets.builtin.Scene.Sphere;

/**
 * The colour a ray sees at its hit: the surface's normal and texture, then Lambert light from
 * the scene's sun, dimming with distance indoors and fading into haze outdoors.
 */
final class SurfaceShader {
  private static final int HAZE = 0xC8D8E8;

  private SurfaceShader() {}

  static int shade(Scene s, Ray ray, Hit hit) {
    double t = hit.t();
    double hx = ray.ox() + t * ray.dx();
    double hy = ray.oy() + t * ray.dy();
    double hz = ray.oz() + t * ray.dz();
    return switch (hit.surface()) {
      case ROOM -> room(s, ray, hit.axis(), hx, hy, hz, t);
      case GROUND -> lit(s, SurfaceTextures.ground(s, hx, hz), 1, 0, 1, 0, t);
      case BOX -> box(s, s.boxes.get(hit.index()), ray, hit.axis(), hx, hy, hz, t);
      case SPHERE -> sphere(s, s.spheres.get(hit.index()), hx, hy, hz, t);
      case CYLINDER -> cylinder(s, s.cylinders.get(hit.index()), hx, hz, t);
      case SKY -> SurfaceTextures.sky(ray.dx(), ray.dy(), ray.dz());
    };
  }

  /** The floor or ceiling ({@code axis} Y), a side wall (X) or the back wall (Z). */
  private static int room(Scene s, Ray ray, Axis axis, double hx, double hy, double hz,
      double t) {
    double nx = 0;
    double ny = 0;
    double nz = 0;
    int base;
    if (axis == Axis.Y) {
      boolean floorHit = ray.dy() < 0;
      ny = floorHit ? 1 : -1;
      base = floorHit ? SurfaceTextures.floor(s, hx, hz) : SurfaceTextures.ceiling(hx, hz);
    } else {
      Wall wall;
      double u;
      if (axis == Axis.X) {
        wall = ray.dx() < 0 ? Wall.LEFT : Wall.RIGHT;
        nx = ray.dx() < 0 ? 1 : -1;
        u = hz;
      } else {
        wall = Wall.BACK;
        nz = -1;
        u = hx + s.roomLeft;
      }
      base = SurfaceTextures.wall(s, wall, u, hy);
    }
    return lit(s, base, 1, nx, ny, nz, t);
  }

  /** The face the ray entered through faces back along the ray. */
  private static int box(Scene s, Box bx, Ray ray, Axis axis, double hx, double hy, double hz,
      double t) {
    double nx = 0;
    double ny = 0;
    double nz = 0;
    if (axis == Axis.X) {
      nx = ray.dx() > 0 ? -1 : 1;
    } else if (axis == Axis.Y) {
      ny = ray.dy() > 0 ? -1 : 1;
    } else {
      nz = ray.dz() > 0 ? -1 : 1;
    }
    int base = bx.rgb();
    double texture = SurfaceTextures.box(bx, axis, hx, hy, hz);
    if (bx.texture() == BoxTexture.FACADE && axis != Axis.Y) {
      base = SurfaceTextures.facade(bx, axis, hx, hy, hz);
      texture = 1;
    }
    return lit(s, base, texture, nx, ny, nz, t);
  }

  /** A tree crown: leafy blotches. */
  private static int sphere(Scene s, Sphere sp, double hx, double hy, double hz, double t) {
    double texture = 0.8 + 0.35 * WorldRandom.hash((long) Math.floor(hx * 6),
        (long) Math.floor(hy * 6), (long) Math.floor(hz * 6));
    return lit(s, sp.rgb(), texture, (hx - sp.x()) / sp.r(), (hy - sp.y()) / sp.r(),
        (hz - sp.z()) / sp.r(), t);
  }

  private static int cylinder(Scene s, Cylinder cy, double hx, double hz, double t) {
    return lit(s, cy.rgb(), 1, (hx - cy.x()) / cy.r(), 0, (hz - cy.z()) / cy.r(), t);
  }

  /** {@code base} times {@code texture} under the scene's light, at distance {@code t}. */
  private static int lit(Scene s, int base, double texture, double nx, double ny, double nz,
      double t) {
    double diffuse = Math.max(0, nx * s.lx + ny * s.ly + nz * s.lz);
    double light = (s.indoor ? 0.62 : 0.55) + (s.indoor ? 0.38 : 0.55) * diffuse;
    if (s.indoor) {
      light *= 1.0 / (1.0 + 0.035 * t);
    }
    int c = Colours.scale(base, light * texture);
    if (!s.indoor) {
      double fog = Math.min(1, t / RayCaster.FAR);
      c = Colours.mix(c, HAZE, fog * fog * 0.8);
    }
    return c;
  }
}
