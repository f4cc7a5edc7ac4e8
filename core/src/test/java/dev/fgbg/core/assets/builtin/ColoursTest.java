package dev.fgbg.core.assets.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ColoursTest {
  @Test
  void fracIsInTheUnitIntervalAlsoBelowZero() {
    assertEquals(0.5, Colours.frac(2.5));
    assertEquals(0.75, Colours.frac(-0.25));
    assertEquals(0.0, Colours.frac(-3));
  }

  @Test
  void scaleRoundsEachChannelAndClamps() {
    assertEquals(0xFF8040, Colours.scale(0x804020, 2));
    assertEquals(0x402010, Colours.scale(0x804020, 0.5));
    assertEquals(0x020202, Colours.scale(0x030303, 0.5)); // 1.5 rounds up
    assertEquals(0, Colours.scale(0xFFFFFF, 0));
    assertEquals(0, Colours.scale(0xFFFFFF, -1));
  }

  @Test
  void mixRunsFromTheFirstColourToTheSecond() {
    assertEquals(0x123456, Colours.mix(0x123456, 0xABCDEF, 0));
    assertEquals(0xABCDEF, Colours.mix(0x123456, 0xABCDEF, 1));
    assertEquals(0x808080, Colours.mix(0x000000, 0xFFFFFF, 0.5));
    assertEquals(0x00FF00, Colours.mix(0xFF0000, 0x00FF00, 1));
    // Beyond the ends, channels clamp instead of wrapping into their neighbours.
    assertEquals(0xFF0000, Colours.mix(0x800000, 0xFF0000, 2));
    assertEquals(0, Colours.mix(0x000080, 0x000000, 2));
  }
}
