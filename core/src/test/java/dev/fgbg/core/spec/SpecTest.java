package dev.fgbg.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SpecTest {
  @Test
  void defaultsAreTheBuiltinDatasets() {
    Spec s = Spec.builder().build();
    assertEquals(224, s.height());
    assertEquals(224, s.width());
    assertEquals(20, s.placements());
    assertEquals(2, s.flips());
    assertEquals(Spec.Position.RANDOM, s.position());
    assertEquals(s, s.toBuilder().build());
  }

  @Test
  void rejectsBadValuesNamingTheField() {
    assertField("height", () -> Spec.builder().size(4, 32).build());
    assertField("width", () -> Spec.builder().size(32, 100_000).build());
    assertField("fg_scale_min", () -> Spec.builder().fgScale(0, 0.5).build());
    assertField("fg_scale_max", () -> Spec.builder().fgScale(0.5, 0.4).build());
    assertField("fg_scale_max", () -> Spec.builder().fgScale(0.5, 1.5).build());
    assertField("placements", () -> Spec.builder().placements(0).build());
    assertField("mask_threshold", () -> Spec.builder().maskThreshold(0).build());
    assertField("position", () -> Spec.builder().position(null).build());
    assertField("ground_min", () -> Spec.builder().ground(-0.1, 1).build());
    assertField("ground_max", () -> Spec.builder().ground(0.8, 0.7).build());
  }

  @Test
  void canonicalFormChangesWithEveryField() {
    Spec base = Spec.builder().build();
    String c = base.canonical();
    assertNotEquals(c, base.toBuilder().size(224, 225).build().canonical());
    assertNotEquals(c, base.toBuilder().fgScale(0.3, 0.61).build().canonical());
    assertNotEquals(c, base.toBuilder().placements(21).build().canonical());
    assertNotEquals(c, base.toBuilder().flip(false).build().canonical());
    assertNotEquals(c, base.toBuilder().position(Spec.Position.FIXED).build().canonical());
    assertNotEquals(c, base.toBuilder().maskThreshold(127).build().canonical());
    assertNotEquals(c, base.toBuilder().softMask(true).build().canonical());
    Spec ground = base.toBuilder().position(Spec.Position.GROUND).build();
    assertNotEquals(c, ground.canonical());
    assertNotEquals(ground.canonical(), ground.toBuilder().ground(0.6, 1).build().canonical());
    assertNotEquals(ground.canonical(), ground.toBuilder().ground(0.7, 0.95).build().canonical());
  }

  @Test
  void theBandIsOutsideTheCanonicalFormOfOtherPositions() {
    Spec base = Spec.builder().build();
    assertEquals("spec/v1 height=224 width=224 fg_scale_min=0.3 fg_scale_max=0.6 placements=20 "
        + "flip=true position=RANDOM mask_threshold=128 soft_mask=false", base.canonical());
    assertEquals(base.canonical(), base.toBuilder().ground(0.1, 0.2).build().canonical());
  }

  private static void assertField(String field, Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains("spec field " + field + " "), ex.getMessage());
  }
}
