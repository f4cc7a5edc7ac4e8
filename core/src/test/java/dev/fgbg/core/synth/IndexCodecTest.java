package dev.fgbg.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IndexCodecTest {
  @Test
  void roundTripsTheWholeBuiltinIndexSpace() {
    IndexCodec c = new IndexCodec(100, 100, 2, 20);
    assertEquals(400_000, c.size());
    long expected = 0;
    for (int bg = 0; bg < 100; bg++) {
      for (int fg = 0; fg < 100; fg++) {
        for (int flip = 0; flip < 2; flip++) {
          for (int k = 0; k < 20; k++) {
            long i = c.encode(bg, fg, flip, k);
            assertEquals(expected++, i, "indices are dense and in formula order");
            assertEquals(bg, c.bg(i));
            assertEquals(fg, c.fg(i));
            assertEquals(flip, c.flip(i));
            assertEquals(k, c.k(i));
          }
        }
      }
    }
  }

  @Test
  void matchesTheDocumentedFormula() {
    IndexCodec c = new IndexCodec(100, 100, 2, 20);
    // i = ((bg · F + fg) · 2 + flip) · P + k
    assertEquals(((37L * 100 + 12) * 2 + 1) * 20 + 5, c.encode(37, 12, 1, 5));
    assertEquals(399_999, c.encode(99, 99, 1, 19));
  }

  @Test
  void withoutFlipTheFlipFactorIsOne() {
    IndexCodec c = new IndexCodec(3, 4, 1, 5);
    assertEquals(60, c.size());
    assertEquals(((2L * 4 + 3) * 1) * 5 + 4, c.encode(2, 3, 0, 4));
    assertEquals(0, c.flip(59));
  }

  @Test
  void containsAndValidation() {
    IndexCodec c = new IndexCodec(2, 2, 2, 2);
    assertTrue(c.contains(0));
    assertTrue(c.contains(15));
    assertFalse(c.contains(16));
    assertFalse(c.contains(-1));
    assertThrows(IllegalArgumentException.class, () -> new IndexCodec(0, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new IndexCodec(1, 1, 3, 1));
  }
}
