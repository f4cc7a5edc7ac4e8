package dev.fgbg.core.assets.builtin;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Decal;

/** Puts windows and a door on a room's walls and furniture against them. */
final class RoomFurnisher {
  /** A piece of furniture; a draw picks one by position, so the order must not change. */
  private enum Furniture {
    TABLE,
    SOFA,
    BOOKSHELF,
    CABINET
  }

  private static final Wall[] WALLS = Wall.values();
  private static final Furniture[] FURNITURE = Furniture.values();

  private RoomFurnisher() {}

  /** Needs the room's size and kind already set on {@code s}. */
  static void furnish(Scene s, WorldRandom r) {
    int windows = 1 + r.below(3);
    for (int w = 0; w < windows; w++) {
      Wall wall = WALLS[r.below(WALLS.length)];
      double span = wall == Wall.BACK ? s.roomLeft + s.roomRight : s.roomDepth;
      double ww = r.range(0.8, 1.6);
      double u0 = r.range(0.3, Math.max(0.4, span - ww - 0.3));
      s.decals.add(new Decal(wall, u0, 0.9, u0 + ww, Math.min(s.roomHeight - 0.3, 2.2),
          DecalKind.WINDOW, 0));
    }
    Wall doorWall = WALLS[r.below(WALLS.length)];
    double span = doorWall == Wall.BACK ? s.roomLeft + s.roomRight : s.roomDepth;
    double du = r.range(0.3, Math.max(0.4, span - 1.2));
    s.decals.add(new Decal(doorWall, du, 0, du + 0.9, 2.05, DecalKind.DOOR,
        Palettes.WOOD[r.below(Palettes.WOOD.length)]));

    int pieces = 3 + r.below(4);
    for (int p = 0; p < pieces; p++) {
      placePiece(s, r);
    }
  }

  private static void placePiece(Scene s, WorldRandom r) {
    boolean againstBack = r.chance(0.5);
    double w = r.range(0.6, 1.8);
    double d = r.range(0.4, 0.9);
    double x0;
    double z0;
    if (againstBack) {
      x0 = r.range(-s.roomLeft + 0.05, s.roomRight - w - 0.05);
      z0 = s.roomDepth - d - 0.02;
    } else {
      // Against a side wall: the long side runs along Z.
      boolean left = r.chance(0.5);
      double tmp = w;
      w = d;
      d = tmp;
      x0 = left ? -s.roomLeft + 0.02 : s.roomRight - w - 0.02;
      z0 = r.range(2.5, Math.max(2.6, s.roomDepth - d - 0.2));
    }
    Furniture type = FURNITURE[r.below(FURNITURE.length)];
    int colour = type == Furniture.SOFA ? Palettes.FABRIC[r.below(Palettes.FABRIC.length)]
        : Palettes.WOOD[r.below(Palettes.WOOD.length)];
    if (s.kind == SceneKind.WAREHOUSE) {
      // Crates only. The type and colour draws above still happen: the sequence is the format.
      type = Furniture.CABINET;
      colour = r.chance(0.5) ? 0x9C7A4A : 0x4A6A8C;
    }
    switch (type) {
      case TABLE -> { // top and two legs
        double h = r.range(0.72, 0.78);
        s.boxes.add(new Box(x0, h - 0.04, z0, x0 + w, h, z0 + d, colour, BoxTexture.PLAIN));
        s.boxes.add(new Box(x0 + 0.03, 0, z0 + 0.03, x0 + 0.08, h - 0.04, z0 + d - 0.03, colour,
            BoxTexture.PLAIN));
        s.boxes.add(new Box(x0 + w - 0.08, 0, z0 + 0.03, x0 + w - 0.03, h - 0.04, z0 + d - 0.03,
            colour, BoxTexture.PLAIN));
      }
      case SOFA -> { // seat and back
        s.boxes.add(new Box(x0, 0, z0, x0 + w, 0.45, z0 + d, colour, BoxTexture.FABRIC));
        if (againstBack) {
          s.boxes.add(new Box(x0, 0.45, z0 + d - 0.2, x0 + w, 0.85, z0 + d, colour,
              BoxTexture.FABRIC));
        } else {
          double bx = x0 < 0 ? x0 : x0 + w - 0.2;
          s.boxes.add(new Box(bx, 0.45, z0, bx + 0.2, 0.85, z0 + d, colour, BoxTexture.FABRIC));
        }
      }
      case BOOKSHELF -> s.boxes.add(new Box(x0, 0, z0, x0 + w, r.range(1.4, 2.1), z0 + d, colour,
          BoxTexture.BOOKSHELF));
      case CABINET -> s.boxes.add(new Box(x0, 0, z0, x0 + w, r.range(0.6, 1.3), z0 + d, colour,
          BoxTexture.CRATE));
    }
  }
}
