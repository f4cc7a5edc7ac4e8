package dev.fgbg.core.assets.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SceneDescriberTest {
  @Test
  void theSameIndexDescribesTheSameSceneAndNeighboursDiffer() {
    Scene a = SceneDescriber.describe(13);
    Scene b = SceneDescriber.describe(13);
    assertEquals(a.boxes, b.boxes);
    assertEquals(a.decals, b.decals);
    assertEquals(a.camH, b.camH);
    assertNotEquals(a.boxes, SceneDescriber.describe(18).boxes); // the same kind, another room
  }

  @Test
  void camerasLookSlightlyDownWithAPlausibleFieldOfView() {
    for (int i = 0; i < 40; i++) {
      Scene s = SceneDescriber.describe(i);
      assertEquals(SceneKind.of(i), s.kind);
      assertEquals(s.kind.indoor(), s.indoor);
      double hfov = StrictMath.toDegrees(s.hfov);
      double pitch = StrictMath.toDegrees(s.pitch);
      assertTrue(hfov >= 58 - 1e-9 && hfov <= 72 + 1e-9, "hfov " + i);
      assertTrue(pitch >= 1 - 1e-9 && pitch <= 12 + 1e-9, "pitch " + i);
      assertTrue(s.camH >= 1.3 && s.camH <= 1.8, "camera height " + i);
      assertEquals(1, s.lx * s.lx + s.ly * s.ly + s.lz * s.lz, 1e-12, "light " + i);
      assertTrue(s.ly > 0, "the light comes from above: " + i);
    }
  }

  @Test
  void roomsEncloseTheCameraAndWarehousesHaveConcreteFloors() {
    for (int i = 0; i < 40; i++) {
      Scene s = SceneDescriber.describe(i);
      if (!s.indoor) {
        continue;
      }
      assertTrue(s.roomLeft >= 2 && s.roomRight >= 2 && s.roomDepth >= 5, "room " + i);
      assertTrue(s.roomHeight > s.camH, "room " + i);
      assertFalse(s.decals.isEmpty(), "room " + i);
      assertFalse(s.boxes.isEmpty(), "room " + i);
      if (s.kind == SceneKind.WAREHOUSE) {
        assertEquals(FloorKind.CONCRETE, s.floorKind);
        assertEquals(0x8E8E88, s.floorRgb);
      } else {
        assertNotEquals(FloorKind.CONCRETE, s.floorKind, "room " + i);
      }
    }
  }

  @Test
  void outdoorScenesHaveGroundAndTreesButNoRoom() {
    for (int i = 3; i < 40; i += 5) {
      Scene street = SceneDescriber.describe(i);
      Scene park = SceneDescriber.describe(i + 1);
      assertEquals(SceneKind.STREET, street.kind);
      assertEquals(0x55585C, street.groundRgb);
      assertEquals(0x5E8C3A, park.groundRgb);
      for (Scene s : new Scene[] {street, park}) {
        assertTrue(s.decals.isEmpty());
        assertFalse(s.cylinders.isEmpty());
        assertEquals(0, s.roomDepth);
      }
    }
  }
}
