package dev.fgbg.core.assets.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SceneKindTest {
  @Test
  void labelsFollowTheLabelCodes() {
    // Label codes are in every exported manifest and digest: this order is fixed.
    assertEquals(List.of("office", "living_room", "warehouse", "street", "park"),
        SceneKind.labels());
    for (SceneKind k : SceneKind.values()) {
      assertEquals(k.label(), SceneKind.labels().get(k.ordinal()));
    }
  }

  @Test
  void kindsTakeTurnsAndTheFirstThreeAreIndoors() {
    assertEquals(SceneKind.OFFICE, SceneKind.of(0));
    assertEquals(SceneKind.PARK, SceneKind.of(4));
    assertEquals(SceneKind.OFFICE, SceneKind.of(5));
    assertEquals(SceneKind.WAREHOUSE, SceneKind.of(97));
    assertTrue(SceneKind.OFFICE.indoor() && SceneKind.LIVING_ROOM.indoor()
        && SceneKind.WAREHOUSE.indoor());
    assertFalse(SceneKind.STREET.indoor() || SceneKind.PARK.indoor());
  }
}
