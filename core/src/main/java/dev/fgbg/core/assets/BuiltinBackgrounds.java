package dev.fgbg.core.assets;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Procedural rooms and outdoor scenes, ray-cast through a pinhole camera so every pixel has an
 * exact depth: the distance along the optical axis (metres) to the first surface hit. Sky is
 * placed at {@link #FAR} metres.
 *
 * <p>World axes: X right, Y up, Z forward; the camera stands at (0, h, 0) pitched down. The
 * floor is Y = 0, so the floor's depth depends on the image row only; that is what
 * foregrounds stand on. Transcendental functions use {@link StrictMath} so the world is
 * bit-identical on every machine.
 */
final class BuiltinBackgrounds {
  static final float FAR = 100f;
  static final List<String> LABELS = List.of("office", "living_room", "warehouse", "street", "park");
  private static final int INDOOR_KINDS = 3;

  private BuiltinBackgrounds() {}

  static List<Background> create(int count, int width, int height) {
    Background[] out = new Background[count];
    IntStream.range(0, count).parallel().forEach(i -> out[i] = render(i, width, height));
    return List.of(out);
  }

  // ------------------------------------------------------------------ scene description

  /** An axis-aligned box with a colour; {@code kind} selects its texture. */
  private record Box(double x0, double y0, double z0, double x1, double y1, double z1, int rgb,
      int kind) {}

  private record Sphere(double x, double y, double z, double r, int rgb) {}

  /** A vertical cylinder standing on the ground. */
  private record Cylinder(double x, double z, double r, double h, int rgb) {}

  /** A rectangle drawn on a room wall (window or door). wall: 0 left, 1 right, 2 back. */
  private record Decal(int wall, double u0, double v0, double u1, double v1, int kind, int rgb) {}

  private static final class Scene {
    int kind;
    double camH;
    double pitch;
    double hfov;
    boolean indoor;
    double roomLeft;
    double roomRight;
    double roomDepth;
    double roomHeight;
    int wallRgb;
    int floorRgb;
    int floorKind;
    int groundRgb;
    final List<Box> boxes = new ArrayList<>();
    final List<Sphere> spheres = new ArrayList<>();
    final List<Cylinder> cylinders = new ArrayList<>();
    final List<Decal> decals = new ArrayList<>();
    double lx;
    double ly;
    double lz;
  }

  private static final int[] WALL_PAINT = {0xE8E4DA, 0xD9E2E8, 0xEDE3D0, 0xC9D6C3, 0xE6D5D0,
      0xF2F0EA, 0xBFC9D4, 0xD8CFC0};
  private static final int[] WOOD = {0xA0703C, 0x8B5A2B, 0xC08A50, 0x6E4A2A, 0xB58B5A};
  private static final int[] FABRIC = {0x3B5B8C, 0x8C3B3B, 0x4F7A4F, 0x5A5A5A, 0x7A5A8C, 0xC7A34A};
  private static final int[] FACADE = {0xB8A48C, 0x9C8F85, 0xC8B89A, 0x8C7B6B, 0xA8B0B8, 0xD0C4B0,
      0x7F6A5A};

  private static Scene describe(int index) {
    WorldRandom r = new WorldRandom(1000 + index);
    Scene s = new Scene();
    s.kind = index % LABELS.size();
    s.indoor = s.kind < INDOOR_KINDS;
    s.hfov = StrictMath.toRadians(r.range(58, 72));
    double sunAz = r.range(-1, 1);
    double[] l = normalize(sunAz, r.range(1.0, 2.0), r.range(-1.2, -0.3));
    s.lx = l[0];
    s.ly = l[1];
    s.lz = l[2];
    if (s.indoor) {
      s.camH = r.range(1.3, 1.7);
      s.pitch = StrictMath.toRadians(r.range(4, 12));
      s.roomLeft = r.range(2.0, 3.5);
      s.roomRight = r.range(2.0, 3.5);
      s.roomDepth = r.range(5.0, 9.0);
      s.roomHeight = r.range(2.6, 3.2);
      s.wallRgb = WALL_PAINT[r.below(WALL_PAINT.length)];
      s.floorKind = s.kind == 2 ? 2 : r.below(2);
      s.floorRgb = s.floorKind == 0 ? WOOD[r.below(WOOD.length)]
          : s.floorKind == 1 ? 0xC8C4BC : 0x8E8E88;
      furnishRoom(s, r);
    } else {
      s.camH = r.range(1.4, 1.8);
      s.pitch = StrictMath.toRadians(r.range(1, 6));
      s.groundRgb = s.kind == 3 ? 0x55585C : 0x5E8C3A;
      if (s.kind == 3) {
        buildStreet(s, r);
      } else {
        buildPark(s, r);
      }
    }
    return s;
  }

  private static void furnishRoom(Scene s, WorldRandom r) {
    // Windows and a door on the walls (u along the wall, v up).
    int windows = 1 + r.below(3);
    for (int w = 0; w < windows; w++) {
      int wall = r.below(3);
      double span = wall == 2 ? s.roomLeft + s.roomRight : s.roomDepth;
      double ww = r.range(0.8, 1.6);
      double u0 = r.range(0.3, Math.max(0.4, span - ww - 0.3));
      s.decals.add(new Decal(wall, u0, 0.9, u0 + ww, Math.min(s.roomHeight - 0.3, 2.2), 0, 0));
    }
    int doorWall = r.below(3);
    double span = doorWall == 2 ? s.roomLeft + s.roomRight : s.roomDepth;
    double du = r.range(0.3, Math.max(0.4, span - 1.2));
    s.decals.add(new Decal(doorWall, du, 0, du + 0.9, 2.05, 1, WOOD[r.below(WOOD.length)]));

    int pieces = 3 + r.below(4);
    for (int p = 0; p < pieces; p++) {
      boolean againstBack = r.chance(0.5);
      double w = r.range(0.6, 1.8);
      double d = r.range(0.4, 0.9);
      double x0;
      double z0;
      if (againstBack) {
        x0 = r.range(-s.roomLeft + 0.05, s.roomRight - w - 0.05);
        z0 = s.roomDepth - d - 0.02;
      } else {
        boolean left = r.chance(0.5);
        double tmp = w;
        w = d;
        d = tmp;
        x0 = left ? -s.roomLeft + 0.02 : s.roomRight - w - 0.02;
        z0 = r.range(2.5, Math.max(2.6, s.roomDepth - d - 0.2));
      }
      int type = r.below(4);
      int colour = type == 1 ? FABRIC[r.below(FABRIC.length)] : WOOD[r.below(WOOD.length)];
      if (s.kind == 2) {
        type = 3;
        colour = r.chance(0.5) ? 0x9C7A4A : 0x4A6A8C;
      }
      switch (type) {
        case 0 -> { // desk or table: top and two legs
          double h = r.range(0.72, 0.78);
          s.boxes.add(new Box(x0, h - 0.04, z0, x0 + w, h, z0 + d, colour, 0));
          s.boxes.add(new Box(x0 + 0.03, 0, z0 + 0.03, x0 + 0.08, h - 0.04, z0 + d - 0.03, colour, 0));
          s.boxes.add(new Box(x0 + w - 0.08, 0, z0 + 0.03, x0 + w - 0.03, h - 0.04, z0 + d - 0.03,
              colour, 0));
        }
        case 1 -> { // sofa: seat and back
          s.boxes.add(new Box(x0, 0, z0, x0 + w, 0.45, z0 + d, colour, 1));
          if (againstBack) {
            s.boxes.add(new Box(x0, 0.45, z0 + d - 0.2, x0 + w, 0.85, z0 + d, colour, 1));
          } else {
            double bx = x0 < 0 ? x0 : x0 + w - 0.2;
            s.boxes.add(new Box(bx, 0.45, z0, bx + 0.2, 0.85, z0 + d, colour, 1));
          }
        }
        case 2 -> // bookshelf
          s.boxes.add(new Box(x0, 0, z0, x0 + w, r.range(1.4, 2.1), z0 + d, colour, 2));
        default -> // cabinet or crates
          s.boxes.add(new Box(x0, 0, z0, x0 + w, r.range(0.6, 1.3), z0 + d, colour, 3));
      }
    }
  }

  private static void buildStreet(Scene s, WorldRandom r) {
    for (int side = -1; side <= 1; side += 2) {
      double z = r.range(4, 12);
      while (z < 90) {
        double depth = r.range(8, 20);
        double inner = r.range(7, 10);
        double height = r.range(6, 32);
        int colour = FACADE[r.below(FACADE.length)];
        double x0 = side < 0 ? -inner - r.range(8, 15) : inner;
        double x1 = side < 0 ? -inner : inner + r.range(8, 15);
        s.boxes.add(new Box(x0, 0, z, x1, height, z + depth, colour, 4));
        z += depth + r.range(0.5, 6);
      }
      int trees = 2 + r.below(3);
      for (int t = 0; t < trees; t++) {
        double tz = r.range(6, 40);
        double tx = side * r.range(5.0, 6.2);
        addTree(s, r, tx, tz);
      }
    }
  }

  private static void buildPark(Scene s, WorldRandom r) {
    int trees = 6 + r.below(10);
    for (int t = 0; t < trees; t++) {
      double tz = r.range(6, 60);
      double tx = r.range(-25, 25);
      if (Math.abs(tx) < 2.5 && tz < 20) {
        tx += tx < 0 ? -3 : 3;
      }
      addTree(s, r, tx, tz);
    }
    if (r.chance(0.7)) { // a distant building row
      double z = r.range(60, 85);
      double x = -60;
      while (x < 60) {
        double w = r.range(10, 25);
        s.boxes.add(new Box(x, 0, z, x + w, r.range(8, 30), z + 10, FACADE[r.below(FACADE.length)], 4));
        x += w + r.range(1, 8);
      }
    }
  }

  private static void addTree(Scene s, WorldRandom r, double x, double z) {
    double trunkH = r.range(1.8, 3.2);
    s.cylinders.add(new Cylinder(x, z, r.range(0.12, 0.3), trunkH, 0x5A4030));
    double crown = r.range(1.2, 2.6);
    int green = r.chance(0.5) ? 0x3E7A2E : 0x4F8F3A;
    s.spheres.add(new Sphere(x, trunkH + crown * 0.7, z, crown, green));
  }

  // ------------------------------------------------------------------ rendering

  private static Background render(int index, int width, int height) {
    Scene s = describe(index);
    double f = (width / 2.0) / StrictMath.tan(s.hfov / 2);
    double cx = width / 2.0;
    double cy = height / 2.0;
    double sp = StrictMath.sin(s.pitch);
    double cp = StrictMath.cos(s.pitch);
    byte[] rgb = new byte[width * height * 3];
    float[] depth = new float[width * height];
    float[] floor = new float[height];
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
    double[] hit = new double[8];
    for (int v = 0; v < height; v++) {
      double b = (v + 0.5 - cy) / f;
      for (int u = 0; u < width; u++) {
        double a = (u + 0.5 - cx) / f;
        // dir = a*right - b*up + forward; right=(1,0,0) up=(0,cp,sp) forward=(0,-sp,cp)
        double dx = a;
        double dy = -b * cp - sp;
        double dz = -b * sp + cp;
        int c = trace(s, 0, s.camH, 0, dx, dy, dz, hit);
        int p = v * width + u;
        depth[p] = (float) Math.min(hit[0], FAR);
        rgb[p * 3] = (byte) (c >>> 16);
        rgb[p * 3 + 1] = (byte) (c >>> 8);
        rgb[p * 3 + 2] = (byte) c;
      }
    }
    String name = String.format("builtin_bg_%03d_%s", index, LABELS.get(s.kind));
    return new Background(name, s.kind, width, height, rgb, depth, floor, footMin);
  }

  /** Casts one ray; hit[0] receives the depth (ray parameter, since forward has unit weight). */
  private static int trace(Scene s, double ox, double oy, double oz, double dx, double dy,
      double dz, double[] hit) {
    double best = Double.MAX_VALUE;
    int what = -1; // 0 room/ground, 1 box, 2 sphere, 3 cylinder, 4 sky
    int which = -1;
    int axis = -1;
    double nx = 0;
    double ny = 0;
    double nz = 0;
    if (s.indoor) {
      // Inside the room box: the exit point along each axis; the nearest is the surface.
      double tx = dx > 0 ? (s.roomRight - ox) / dx : dx < 0 ? (-s.roomLeft - ox) / dx : 1e18;
      double ty = dy > 0 ? (s.roomHeight - oy) / dy : dy < 0 ? (0 - oy) / dy : 1e18;
      double tz = dz > 0 ? (s.roomDepth - oz) / dz : 1e18;
      best = tx;
      axis = 0;
      if (ty < best) {
        best = ty;
        axis = 1;
      }
      if (tz < best) {
        best = tz;
        axis = 2;
      }
      what = 0;
    } else if (dy < 0) {
      best = -oy / dy;
      what = 0;
      axis = 1;
    } else {
      what = 4;
      best = FAR;
    }
    for (int i = 0; i < s.boxes.size(); i++) {
      Box bx = s.boxes.get(i);
      double t0 = 0;
      double t1 = best;
      int ax = -1;
      double[] lo = {bx.x0 - ox, bx.y0 - oy, bx.z0 - oz};
      double[] hi = {bx.x1 - ox, bx.y1 - oy, bx.z1 - oz};
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
      if (!miss && ax >= 0 && t0 < best) {
        best = t0;
        what = 1;
        which = i;
        axis = ax;
      }
    }
    for (int i = 0; i < s.spheres.size(); i++) {
      Sphere sp = s.spheres.get(i);
      double px = ox - sp.x;
      double py = oy - sp.y;
      double pz = oz - sp.z;
      double aa = dx * dx + dy * dy + dz * dz;
      double bb = px * dx + py * dy + pz * dz;
      double cc = px * px + py * py + pz * pz - sp.r * sp.r;
      double disc = bb * bb - aa * cc;
      if (disc > 0) {
        double t = (-bb - Math.sqrt(disc)) / aa;
        if (t > 0 && t < best) {
          best = t;
          what = 2;
          which = i;
        }
      }
    }
    for (int i = 0; i < s.cylinders.size(); i++) {
      Cylinder cy = s.cylinders.get(i);
      double px = ox - cy.x;
      double pz = oz - cy.z;
      double aa = dx * dx + dz * dz;
      double bb = px * dx + pz * dz;
      double cc = px * px + pz * pz - cy.r * cy.r;
      double disc = bb * bb - aa * cc;
      if (aa > 0 && disc > 0) {
        double t = (-bb - Math.sqrt(disc)) / aa;
        double y = oy + t * dy;
        if (t > 0 && t < best && y >= 0 && y <= cy.h) {
          best = t;
          what = 3;
          which = i;
        }
      }
    }
    hit[0] = best;
    double hx = ox + best * dx;
    double hy = oy + best * dy;
    double hz = oz + best * dz;
    int base;
    double texture = 1;
    switch (what) {
      case 0 -> {
        if (s.indoor) {
          if (axis == 1) {
            boolean floorHit = dy < 0;
            ny = floorHit ? 1 : -1;
            base = floorHit ? floorColour(s, hx, hz) : ceilingColour(s, hx, hz);
          } else {
            int wall;
            double u;
            if (axis == 0) {
              wall = dx < 0 ? 0 : 1;
              nx = dx < 0 ? 1 : -1;
              u = hz;
            } else {
              wall = 2;
              nz = -1;
              u = hx + s.roomLeft;
            }
            base = wallColour(s, wall, u, hy);
          }
        } else {
          ny = 1;
          base = groundColour(s, hx, hz);
        }
      }
      case 1 -> {
        Box bx = s.boxes.get(which);
        if (axis == 0) {
          nx = dx > 0 ? -1 : 1;
        } else if (axis == 1) {
          ny = dy > 0 ? -1 : 1;
        } else {
          nz = dz > 0 ? -1 : 1;
        }
        base = bx.rgb;
        texture = boxTexture(bx, axis, hx, hy, hz);
        if (bx.kind == 4 && axis != 1) {
          base = facadeColour(bx, axis, hx, hy, hz);
          texture = 1;
        }
      }
      case 2 -> {
        Sphere sp = s.spheres.get(which);
        nx = (hx - sp.x) / sp.r;
        ny = (hy - sp.y) / sp.r;
        nz = (hz - sp.z) / sp.r;
        base = sp.rgb;
        texture = 0.8 + 0.35 * WorldRandom.hash((long) Math.floor(hx * 6), (long) Math.floor(hy * 6),
            (long) Math.floor(hz * 6));
      }
      case 3 -> {
        Cylinder cy = s.cylinders.get(which);
        nx = (hx - cy.x) / cy.r;
        nz = (hz - cy.z) / cy.r;
        base = cy.rgb;
      }
      default -> {
        return skyColour(dx, dy, dz);
      }
    }
    double diffuse = Math.max(0, nx * s.lx + ny * s.ly + nz * s.lz);
    double light = (s.indoor ? 0.62 : 0.55) + (s.indoor ? 0.38 : 0.55) * diffuse;
    if (s.indoor) {
      light *= 1.0 / (1.0 + 0.035 * best);
    }
    int c = scale(base, light * texture);
    if (!s.indoor) {
      double fog = Math.min(1, best / FAR);
      c = mix(c, 0xC8D8E8, fog * fog * 0.8);
    }
    return c;
  }

  private static int floorColour(Scene s, double x, double z) {
    switch (s.floorKind) {
      case 0 -> { // planks along Z
        long plank = (long) Math.floor(x / 0.18);
        long segment = (long) Math.floor(z / 1.2 + WorldRandom.hash(plank, 7, 7) * 1.2);
        double v = 0.82 + 0.3 * WorldRandom.hash(plank, segment, 1);
        double edge = Math.min(frac(x / 0.18), 1 - frac(x / 0.18)) < 0.04 ? 0.7 : 1;
        double grain = 0.95 + 0.05 * StrictMath.sin(z * 9 + plank * 3.1);
        return scale(s.floorRgb, v * edge * grain);
      }
      case 1 -> { // tiles with grout
        double fx = frac(x / 0.6);
        double fz = frac(z / 0.6);
        if (fx < 0.025 || fz < 0.025) {
          return 0x8A8680;
        }
        long tx = (long) Math.floor(x / 0.6);
        long tz = (long) Math.floor(z / 0.6);
        return scale(s.floorRgb, (((tx + tz) & 1) == 0 ? 1.0 : 0.9)
            * (0.96 + 0.06 * WorldRandom.hash(tx, tz, 3)));
      }
      default -> { // concrete with painted lane
        double n = 0.9 + 0.12 * WorldRandom.hash((long) Math.floor(x * 8), (long) Math.floor(z * 8), 5);
        if (Math.abs(x + 0.3) < 0.06) {
          return scale(0xD8B830, n);
        }
        return scale(s.floorRgb, n);
      }
    }
  }

  private static int ceilingColour(Scene s, double x, double z) {
    double fz = frac(z / 2.0);
    if (Math.abs(x) < 0.3 && fz > 0.3 && fz < 0.7) {
      return 0xFFFFF4;
    }
    return 0xE8E8E4;
  }

  private static int wallColour(Scene s, int wall, double u, double v) {
    if (v < 0.1) {
      return scale(s.wallRgb, 0.55); // skirting board
    }
    for (Decal d : s.decals) {
      if (d.wall != wall || u < d.u0 || u > d.u1 || v < d.v0 || v > d.v1) {
        continue;
      }
      double fu = Math.min(u - d.u0, d.u1 - u);
      double fv = Math.min(v - d.v0, d.v1 - v);
      if (d.kind == 0) { // window: frame, mullion, sky and a hint of trees
        if (fu < 0.06 || fv < 0.06 || Math.abs(u - (d.u0 + d.u1) / 2) < 0.025) {
          return 0xF4F4F0;
        }
        double t = (v - d.v0) / (d.v1 - d.v0);
        return t < 0.25 ? mix(0x6F9A55, 0x9CC3E8, t * 4) : mix(0x9CC3E8, 0x5D8FD0, (t - 0.25) / 0.75);
      }
      if (fu < 0.05 || fv < 0.05) {
        return scale(d.rgb, 0.7);
      }
      if (Math.abs(u - (d.u1 - 0.12)) < 0.03 && Math.abs(v - 1.0) < 0.03) {
        return 0xD4AF37; // handle
      }
      return d.rgb;
    }
    return scale(s.wallRgb, 0.97 + 0.04 * WorldRandom.hash((long) (u * 20), (long) (v * 20), wall));
  }

  private static int groundColour(Scene s, double x, double z) {
    double n = 0.88 + 0.18 * WorldRandom.hash((long) Math.floor(x * 4), (long) Math.floor(z * 4), 9);
    if (s.kind == 3) {
      double ax = Math.abs(x);
      if (ax > 4.5) {
        return scale(0xA8A49C, n); // sidewalk
      }
      if (ax < 0.08 && frac(z / 6) < 0.5) {
        return 0xF0F0E8; // dashed centre line
      }
      if (Math.abs(ax - 4.2) < 0.08) {
        return 0xE8E8E0;
      }
      return scale(s.groundRgb, n);
    }
    if (Math.abs(x - 0.5 * StrictMath.sin(z * 0.15)) < 1.1) {
      return scale(0xB8A07A, n); // a path
    }
    return scale(s.groundRgb, n);
  }

  private static int facadeColour(Box b, int axis, double x, double y, double z) {
    double u = axis == 0 ? z : x;
    double fu = frac(u / 3.0);
    double fy = frac(y / 3.2);
    if (y > 0.8 && fu > 0.25 && fu < 0.75 && fy > 0.3 && fy < 0.8) {
      double lit = WorldRandom.hash((long) Math.floor(u / 3), (long) Math.floor(y / 3.2), b.rgb);
      return lit > 0.8 ? 0xE8D890 : mix(0x34455A, 0x7890A8, lit);
    }
    return b.rgb;
  }

  private static double boxTexture(Box b, int axis, double x, double y, double z) {
    return switch (b.kind) {
      case 1 -> 0.93 + 0.07 * WorldRandom.hash((long) (x * 30), (long) (y * 30), (long) (z * 30));
      case 2 -> frac(y / 0.38) < 0.08 ? 0.6 : axis == 2 ? 0.85 + 0.2 * WorldRandom.hash(
          (long) Math.floor(x / 0.05), (long) Math.floor(y / 0.38), 4) : 1.0;
      case 3 -> (frac(y / 0.3) < 0.04 || frac((x + z) / 0.6) < 0.03) ? 0.75 : 1.0;
      default -> 1.0;
    };
  }

  private static int skyColour(double dx, double dy, double dz) {
    double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
    double e = Math.max(0, dy / len);
    return mix(0xDCE8F4, 0x4A7CC8, Math.min(1, StrictMath.sqrt(e) * 1.3));
  }

  // ------------------------------------------------------------------ colour helpers

  static double frac(double v) {
    return v - Math.floor(v);
  }

  static int scale(int rgb, double k) {
    int r = clamp((int) Math.round(((rgb >>> 16) & 0xff) * k));
    int g = clamp((int) Math.round(((rgb >>> 8) & 0xff) * k));
    int b = clamp((int) Math.round((rgb & 0xff) * k));
    return (r << 16) | (g << 8) | b;
  }

  static int mix(int a, int b, double t) {
    int r = (int) Math.round(((a >>> 16) & 0xff) * (1 - t) + ((b >>> 16) & 0xff) * t);
    int g = (int) Math.round(((a >>> 8) & 0xff) * (1 - t) + ((b >>> 8) & 0xff) * t);
    int bl = (int) Math.round((a & 0xff) * (1 - t) + (b & 0xff) * t);
    return (clamp(r) << 16) | (clamp(g) << 8) | clamp(bl);
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(255, v);
  }

  private static double[] normalize(double x, double y, double z) {
    double l = Math.sqrt(x * x + y * y + z * z);
    return new double[] {x / l, y / l, z / l};
  }
}
