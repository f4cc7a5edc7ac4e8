package dev.fgbg.core.assets.builtin;

/**
 * Decides what background number {@code index} shows: its kind, camera, light and room, then
 * hands the scene to {@link RoomFurnisher} or {@link OutdoorScenery}. Every choice is a draw
 * from one {@link WorldRandom} keyed by the index, in a fixed order.
 */
final class SceneDescriber {
  private SceneDescriber() {}

  static Scene describe(int index) {
    WorldRandom r = new WorldRandom(1000 + index);
    Scene s = new Scene(SceneKind.of(index));
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
      s.wallRgb = Palettes.WALL_PAINT[r.below(Palettes.WALL_PAINT.length)];
      // Warehouses always have concrete, so they skip the draw.
      s.floorKind = s.kind == SceneKind.WAREHOUSE ? FloorKind.CONCRETE
          : r.below(2) == 0 ? FloorKind.PLANKS : FloorKind.TILES;
      s.floorRgb = s.floorKind == FloorKind.PLANKS ? Palettes.WOOD[r.below(Palettes.WOOD.length)]
          : s.floorKind == FloorKind.TILES ? 0xC8C4BC : 0x8E8E88;
      RoomFurnisher.furnish(s, r);
    } else {
      s.camH = r.range(1.4, 1.8);
      s.pitch = StrictMath.toRadians(r.range(1, 6));
      s.groundRgb = s.kind == SceneKind.STREET ? 0x55585C : 0x5E8C3A;
      if (s.kind == SceneKind.STREET) {
        OutdoorScenery.street(s, r);
      } else {
        OutdoorScenery.park(s, r);
      }
    }
    return s;
  }

  private static double[] normalize(double x, double y, double z) {
    double l = Math.sqrt(x * x + y * y + z * z);
    return new double[] {x / l, y / l, z / l};
  }
}
