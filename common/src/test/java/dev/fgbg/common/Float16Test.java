package dev.fgbg.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Float16Test {
  @Test
  void knownValues() {
    assertEquals(0x3c00, Float16.fromFloat(1f) & 0xffff);
    assertEquals(0xc000, Float16.fromFloat(-2f) & 0xffff);
    assertEquals(0x7bff, Float16.fromFloat(65504f) & 0xffff);
    assertEquals(0x7c00, Float16.fromFloat(1e6f) & 0xffff, "overflow is infinity");
    assertEquals(0x0001, Float16.fromFloat(0x1.0p-24f) & 0xffff, "smallest subnormal");
    assertEquals(0x0000, Float16.fromFloat(0x1.0p-26f) & 0xffff, "underflow is zero");
    assertEquals(0x3555, Float16.fromFloat(1f / 3f) & 0xffff);
    assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
  }

  @Test
  void everyHalfRoundTrips() {
    for (int h = 0; h < 0x10000; h++) {
      float f = Float16.toFloat((short) h);
      if (Float.isNaN(f)) {
        continue;
      }
      assertEquals(h, Float16.fromFloat(f) & 0xffff, "half " + Integer.toHexString(h));
    }
  }

  @Test
  void roundsToNearestEven() {
    // 1 + 2^-11 lies exactly between 1 and the next half (1 + 2^-10): ties go to even (1).
    assertEquals(0x3c00, Float16.fromFloat(1f + 0x1.0p-11f) & 0xffff);
    // 1 + 3·2^-11 lies between 1 + 2^-10 (odd) and 1 + 2^-9 (even): goes up.
    assertEquals(0x3c02, Float16.fromFloat(1f + 3 * 0x1.0p-11f) & 0xffff);
    // Just above the tie rounds up.
    assertEquals(0x3c01, Float16.fromFloat(1f + 0x1.0p-11f + 0x1.0p-20f) & 0xffff);
    for (float v = 0.01f; v < 60000f; v *= 1.37f) {
      short h = Float16.fromFloat(v);
      double err = Math.abs(Float16.toFloat(h) - (double) v);
      // No neighbouring half is nearer.
      assertTrue(err <= Math.abs(Float16.toFloat((short) (h + 1)) - (double) v), "up " + v);
      assertTrue(err <= Math.abs(Float16.toFloat((short) (h - 1)) - (double) v), "down " + v);
    }
  }
}
