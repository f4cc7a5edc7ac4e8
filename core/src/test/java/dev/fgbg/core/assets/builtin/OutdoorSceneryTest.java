package dev.fgbg.core.assets.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.assets.builtin.Scene.Box;
import dev.fgbg.core.assets.builtin.Scene.Cylinder;
import dev.fgbg.core.assets.builtin.Scene.Sphere;
import org.junit.jupiter.api.Test;

class OutdoorSceneryTest {
  @Test
  void streetsKeepBuildingsOffTheRoadAndTreesOnTheSidewalks() {
    for (long key = 0; key < 100; key++) {
      Scene s = new Scene(SceneKind.STREET);
      OutdoorScenery.street(s, new WorldRandom(key));
      boolean left = false;
      boolean right = false;
      for (Box b : s.boxes) {
        assertEquals(BoxTexture.FACADE, b.texture());
        assertTrue(b.x1() <= -7 || b.x0() >= 7, key + ": " + b);
        assertEquals(0, b.y0());
        left |= b.x1() < 0;
        right |= b.x0() > 0;
      }
      assertTrue(left && right, "buildings on both sides");
      for (Cylinder c : s.cylinders) {
        double ax = Math.abs(c.x());
        assertTrue(ax >= 5 && ax <= 6.2, key + ": " + c);
      }
      assertTrue(s.cylinders.size() >= 4 && s.cylinders.size() <= 8);
    }
  }

  @Test
  void parksKeepThePathAheadClear() {
    boolean buildings = false;
    for (long key = 0; key < 100; key++) {
      Scene s = new Scene(SceneKind.PARK);
      OutdoorScenery.park(s, new WorldRandom(key));
      assertTrue(s.cylinders.size() >= 6 && s.cylinders.size() <= 15);
      for (Cylinder c : s.cylinders) {
        assertFalse(Math.abs(c.x()) < 2.5 && c.z() < 20, key + ": " + c);
      }
      for (Box b : s.boxes) {
        assertTrue(b.z0() >= 60, "buildings stand far off: " + b);
      }
      buildings |= !s.boxes.isEmpty();
    }
    assertTrue(buildings, "most parks have a building row");
  }

  @Test
  void aTreeIsATrunkWithTheCrownOnTop() {
    Scene s = new Scene(SceneKind.PARK);
    OutdoorScenery.tree(s, new WorldRandom(3), 4, 12);
    assertEquals(1, s.cylinders.size());
    assertEquals(1, s.spheres.size());
    Cylinder trunk = s.cylinders.get(0);
    Sphere crown = s.spheres.get(0);
    assertEquals(4, trunk.x());
    assertEquals(12, trunk.z());
    assertEquals(4, crown.x());
    assertEquals(12, crown.z());
    // The crown reaches down over the trunk's top, so no bare top shows.
    assertTrue(crown.y() > trunk.h() && crown.y() - crown.r() < trunk.h());
  }
}
