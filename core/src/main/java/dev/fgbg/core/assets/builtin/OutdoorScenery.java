package dev.fgbg.core.assets.builtin;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Cylinder;
import dev.fgbg.core.assets.builtin.Scene.Sphere;

/** Lines a street with buildings and trees, or scatters trees (and maybe buildings) in a park. */
final class OutdoorScenery {
  private OutdoorScenery() {}

  /** Buildings from about 7 m either side of the centre line, trees on the sidewalks. */
  static void street(Scene s, WorldRandom r) {
    for (int side = -1; side <= 1; side += 2) {
      double z = r.range(4, 12);
      while (z < 90) {
        double depth = r.range(8, 20);
        double inner = r.range(7, 10);
        double height = r.range(6, 32);
        int colour = Palettes.FACADE[r.below(Palettes.FACADE.length)];
        double x0 = side < 0 ? -inner - r.range(8, 15) : inner;
        double x1 = side < 0 ? -inner : inner + r.range(8, 15);
        s.boxes.add(new Box(x0, 0, z, x1, height, z + depth, colour, BoxTexture.FACADE));
        z += depth + r.range(0.5, 6);
      }
      int trees = 2 + r.below(3);
      for (int t = 0; t < trees; t++) {
        double tz = r.range(6, 40);
        double tx = side * r.range(5.0, 6.2);
        tree(s, r, tx, tz);
      }
    }
  }

  /** Trees kept off the path straight ahead; often a distant row of buildings. */
  static void park(Scene s, WorldRandom r) {
    int trees = 6 + r.below(10);
    for (int t = 0; t < trees; t++) {
      double tz = r.range(6, 60);
      double tx = r.range(-25, 25);
      if (Math.abs(tx) < 2.5 && tz < 20) {
        tx += tx < 0 ? -3 : 3;
      }
      tree(s, r, tx, tz);
    }
    if (r.chance(0.7)) {
      double z = r.range(60, 85);
      double x = -60;
      while (x < 60) {
        double w = r.range(10, 25);
        s.boxes.add(new Box(x, 0, z, x + w, r.range(8, 30), z + 10,
            Palettes.FACADE[r.below(Palettes.FACADE.length)], BoxTexture.FACADE));
        x += w + r.range(1, 8);
      }
    }
  }

  /** A trunk with a round crown on top. */
  static void tree(Scene s, WorldRandom r, double x, double z) {
    double trunkH = r.range(1.8, 3.2);
    s.cylinders.add(new Cylinder(x, z, r.range(0.12, 0.3), trunkH, 0x5A4030));
    double crown = r.range(1.2, 2.6);
    int green = r.chance(0.5) ? 0x3E7A2E : 0x4F8F3A;
    s.spheres.add(new Sphere(x, trunkH + crown * 0.7, z, crown, green));
  }
}
