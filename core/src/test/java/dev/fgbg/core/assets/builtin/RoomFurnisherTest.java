package dev.fgbg.core.assets.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Decal;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomFurnisherTest {
  /** The smallest room the describer makes, where fitting things in is tightest. */
  private static Scene furnished(SceneKind kind, long key) {
    Scene s = new Scene(kind);
    s.roomLeft = 2;
    s.roomRight = 2;
    s.roomDepth = 5;
    s.roomHeight = 2.6;
    RoomFurnisher.furnish(s, new WorldRandom(key));
    return s;
  }

  @Test
  void furnitureStandsInsideTheRoomAndInFrontOfTheCamera() {
    for (long key = 0; key < 200; key++) {
      Scene s = furnished(SceneKind.OFFICE, key);
      assertTrue(s.boxes.size() >= 3, "at least one box per piece");
      for (Box b : s.boxes) {
        String where = key + ": " + b;
        assertTrue(b.x0() < b.x1() && b.y0() < b.y1() && b.z0() < b.z1(), where);
        assertTrue(b.x0() >= -s.roomLeft && b.x1() <= s.roomRight, where);
        assertTrue(b.y0() >= 0 && b.y1() <= s.roomHeight, where);
        assertTrue(b.z0() >= 2.5 && b.z1() <= s.roomDepth, where);
      }
    }
  }

  @Test
  void wallsGetOneDoorAndUpToThreeWindowsWithinTheirSpan() {
    for (long key = 0; key < 200; key++) {
      Scene s = furnished(SceneKind.LIVING_ROOM, key);
      int doors = 0;
      int windows = 0;
      for (Decal d : s.decals) {
        String where = key + ": " + d;
        double span = d.wall() == Wall.BACK ? s.roomLeft + s.roomRight : s.roomDepth;
        assertTrue(d.u0() >= 0 && d.u1() <= span && d.u0() < d.u1(), where);
        assertTrue(d.v0() >= 0 && d.v1() <= s.roomHeight && d.v0() < d.v1(), where);
        if (d.kind() == DecalKind.DOOR) {
          doors++;
          assertEquals(0, d.v0(), where);
        } else {
          windows++;
          assertTrue(d.v0() > 0.5, "windows sit above the floor: " + where);
        }
      }
      assertEquals(1, doors);
      assertTrue(windows >= 1 && windows <= 3, "windows: " + windows);
    }
  }

  @Test
  void warehousesHoldOnlyCratesYetDrawLikeAnyRoom() {
    for (long key = 0; key < 50; key++) {
      Scene s = furnished(SceneKind.WAREHOUSE, key);
      for (Box b : s.boxes) {
        assertEquals(BoxTexture.CRATE, b.texture());
        assertTrue(b.rgb() == 0x9C7A4A || b.rgb() == 0x4A6A8C);
      }
      // A warehouse still draws a furniture type and colour before replacing them, so its
      // first piece has the footprint an office's first piece has from the same draws.
      Scene office = furnished(SceneKind.OFFICE, key);
      assertEquals(office.decals, s.decals);
      Box a = office.boxes.get(0);
      Box b = s.boxes.get(0);
      assertEquals(List.of(a.x0(), a.z0(), a.x1(), a.z1()),
          List.of(b.x0(), b.z0(), b.x1(), b.z1()));
    }
  }
}
