package dev.fgbg.core.assets.builtin;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Decal;

/**
 * The unlit colour (or brightness pattern) of each kind of surface at a world point: floors,
 * ceilings, walls with their windows and doors, the ground, facades, box textures and the sky.
 */
final class SurfaceTextures {
  private SurfaceTextures() {}

  static int floor(Scene s, double x, double z) {
    return switch (s.floorKind) {
      case PLANKS -> planks(s.floorRgb, x, z);
      case TILES -> tiles(s.floorRgb, x, z);
      case CONCRETE -> concrete(s.floorRgb, x, z);
    };
  }

  /** Planks along Z, staggered, with dark gaps and a faint grain. */
  private static int planks(int rgb, double x, double z) {
    long plank = (long) Math.floor(x / 0.18);
    long segment = (long) Math.floor(z / 1.2 + WorldRandom.hash(plank, 7, 7) * 1.2);
    double v = 0.82 + 0.3 * WorldRandom.hash(plank, segment, 1);
    double edge = Math.min(Colours.frac(x / 0.18), 1 - Colours.frac(x / 0.18)) < 0.04 ? 0.7 : 1;
    double grain = 0.95 + 0.05 * StrictMath.sin(z * 9 + plank * 3.1);
    return Colours.scale(rgb, v * edge * grain);
  }

  /** A checker of slightly uneven tiles with grout. */
  private static int tiles(int rgb, double x, double z) {
    double fx = Colours.frac(x / 0.6);
    double fz = Colours.frac(z / 0.6);
    if (fx < 0.025 || fz < 0.025) {
      return 0x8A8680;
    }
    long tx = (long) Math.floor(x / 0.6);
    long tz = (long) Math.floor(z / 0.6);
    return Colours.scale(rgb, (((tx + tz) & 1) == 0 ? 1.0 : 0.9)
        * (0.96 + 0.06 * WorldRandom.hash(tx, tz, 3)));
  }

  /** Mottled concrete with a painted lane line. */
  private static int concrete(int rgb, double x, double z) {
    double n = 0.9
        + 0.12 * WorldRandom.hash((long) Math.floor(x * 8), (long) Math.floor(z * 8), 5);
    if (Math.abs(x + 0.3) < 0.06) {
      return Colours.scale(0xD8B830, n);
    }
    return Colours.scale(rgb, n);
  }

  /** Plain, with a strip of lights along the middle. */
  static int ceiling(double x, double z) {
    double fz = Colours.frac(z / 2.0);
    if (Math.abs(x) < 0.3 && fz > 0.3 && fz < 0.7) {
      return 0xFFFFF4;
    }
    return 0xE8E8E4;
  }

  /** Paint with a skirting board, or the window or door drawn there; u along the wall, v up. */
  static int wall(Scene s, Wall wall, double u, double v) {
    if (v < 0.1) {
      return Colours.scale(s.wallRgb, 0.55); // skirting board
    }
    for (Decal d : s.decals) {
      if (d.wall() != wall || u < d.u0() || u > d.u1() || v < d.v0() || v > d.v1()) {
        continue;
      }
      double fu = Math.min(u - d.u0(), d.u1() - u);
      double fv = Math.min(v - d.v0(), d.v1() - v);
      if (d.kind() == DecalKind.WINDOW) { // frame, mullion, sky and a hint of trees
        if (fu < 0.06 || fv < 0.06 || Math.abs(u - (d.u0() + d.u1()) / 2) < 0.025) {
          return 0xF4F4F0;
        }
        double t = (v - d.v0()) / (d.v1() - d.v0());
        return t < 0.25 ? Colours.mix(0x6F9A55, 0x9CC3E8, t * 4)
            : Colours.mix(0x9CC3E8, 0x5D8FD0, (t - 0.25) / 0.75);
      }
      if (fu < 0.05 || fv < 0.05) {
        return Colours.scale(d.rgb(), 0.7);
      }
      if (Math.abs(u - (d.u1() - 0.12)) < 0.03 && Math.abs(v - 1.0) < 0.03) {
        return 0xD4AF37; // handle
      }
      return d.rgb();
    }
    return Colours.scale(s.wallRgb,
        0.97 + 0.04 * WorldRandom.hash((long) (u * 20), (long) (v * 20), wall.ordinal()));
  }

  /** Outdoors: a road with markings and sidewalks, or grass with a winding path. */
  static int ground(Scene s, double x, double z) {
    double n = 0.88
        + 0.18 * WorldRandom.hash((long) Math.floor(x * 4), (long) Math.floor(z * 4), 9);
    if (s.kind == SceneKind.STREET) {
      double ax = Math.abs(x);
      if (ax > 4.5) {
        return Colours.scale(0xA8A49C, n); // sidewalk
      }
      if (ax < 0.08 && Colours.frac(z / 6) < 0.5) {
        return 0xF0F0E8; // dashed centre line
      }
      if (Math.abs(ax - 4.2) < 0.08) {
        return 0xE8E8E0;
      }
      return Colours.scale(s.groundRgb, n);
    }
    if (Math.abs(x - 0.5 * StrictMath.sin(z * 0.15)) < 1.1) {
      return Colours.scale(0xB8A07A, n); // a path
    }
    return Colours.scale(s.groundRgb, n);
  }

  /** A building's side wall ({@code axis} X or Z) with a grid of windows, some lit. */
  static int facade(Box b, Axis axis, double x, double y, double z) {
    double u = axis == Axis.X ? z : x;
    double fu = Colours.frac(u / 3.0);
    double fy = Colours.frac(y / 3.2);
    if (y > 0.8 && fu > 0.25 && fu < 0.75 && fy > 0.3 && fy < 0.8) {
      double lit = WorldRandom.hash((long) Math.floor(u / 3), (long) Math.floor(y / 3.2), b.rgb());
      return lit > 0.8 ? 0xE8D890 : Colours.mix(0x34455A, 0x7890A8, lit);
    }
    return b.rgb();
  }

  /** A brightness factor for a box face hit at (x, y, z). */
  static double box(Box b, Axis axis, double x, double y, double z) {
    return switch (b.texture()) {
      case FABRIC ->
          0.93 + 0.07 * WorldRandom.hash((long) (x * 30), (long) (y * 30), (long) (z * 30));
      case BOOKSHELF -> bookshelf(axis, x, y);
      case CRATE ->
          (Colours.frac(y / 0.3) < 0.04 || Colours.frac((x + z) / 0.6) < 0.03) ? 0.75 : 1.0;
      case PLAIN, FACADE -> 1.0;
    };
  }

  /** Shelf boards across every face; book spines on the front (the face along Z) only. */
  private static double bookshelf(Axis axis, double x, double y) {
    if (Colours.frac(y / 0.38) < 0.08) {
      return 0.6;
    }
    if (axis != Axis.Z) {
      return 1.0;
    }
    long spine = (long) Math.floor(x / 0.05);
    long shelf = (long) Math.floor(y / 0.38);
    return 0.85 + 0.2 * WorldRandom.hash(spine, shelf, 4);
  }

  /** Hazy at the horizon, deeper blue overhead. */
  static int sky(double dx, double dy, double dz) {
    double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
    double e = Math.max(0, dy / len);
    return Colours.mix(0xDCE8F4, 0x4A7CC8, Math.min(1, StrictMath.sqrt(e) * 1.3));
  }
}
