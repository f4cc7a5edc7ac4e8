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

  @Test
  void floatsOfEveryExponentAndSignGoToTheNearestHalfTiesToEven() {
    for (long k = 0; k <= 0xffffffffL; k += 16381) { // a prime stride: 262,000 floats of all kinds
      float f = Float.intBitsToFloat((int) k);
      short h = Float16.fromFloat(f);
      float got = Float16.toFloat(h);
      if (Float.isNaN(f)) {
        assertTrue(Float.isNaN(got), Integer.toHexString((int) k));
        continue;
      }
      if (Math.abs(f) >= 65520f) { // halfway from the largest half (65504) to 2^16: infinity
        assertEquals(Math.copySign(Float.POSITIVE_INFINITY, f), got, Float.toString(f));
        continue;
      }
      int sign = h & 0x8000;
      int mag = h & 0x7fff;
      double err = Math.abs(got - (double) f);
      for (int next : new int[] {mag - 1, mag + 1}) {
        if (next < 0 || next > 0x7bff) {
          continue;
        }
        double other = Math.abs(Float16.toFloat((short) (sign | next)) - (double) f);
        assertTrue(err <= other, "a nearer half than " + Integer.toHexString(h) + " for " + f);
        if (err == other) {
          assertEquals(0, mag & 1, "a tie goes to the even half: " + f);
        }
      }
    }
  }
}
