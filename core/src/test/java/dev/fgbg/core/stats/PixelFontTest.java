package dev.fgbg.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PixelFontTest {
  @Test
  void everyPrintableAsciiCharacterHasItsOwnGlyph() {
    Set<String> seen = new HashSet<>();
    for (char c = '!'; c <= '~'; c++) {
      int[] ink = ink(String.valueOf(c));
      assertFalse(Arrays.stream(ink).allMatch(p -> p == 0), "'" + c + "' draws ink");
      assertTrue(seen.add(Arrays.toString(ink)), "'" + c + "' looks like another");
    }
    assertEquals(0, Arrays.stream(ink(" ")).sum(), "a space draws nothing");
  }

  @Test
  void accentsAreDroppedAndTheRestDrawnAsAQuestionMark() {
    assertArrayEquals(ink("cafe"), ink("café"));
    assertArrayEquals(ink("Ecole"), ink("École"));
    assertArrayEquals(ink("?"), ink("猫"));
    assertArrayEquals(ink("?"), ink("\t"));
  }

  @Test
  void textIsClippedAtTheImageEdgesAndFitCutsWithDots() {
    BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
    PixelFont.draw(img, -3, -4, "Wg", 0xFFFFFF); // no exception off any edge
    assertEquals("abc", PixelFont.fit("abc", 3 * PixelFont.ADVANCE));
    assertEquals("ab..", PixelFont.fit("abcdef", 4 * PixelFont.ADVANCE));
  }

  private static int[] ink(String text) {
    BufferedImage img = new BufferedImage(PixelFont.width(text), PixelFont.HEIGHT,
        BufferedImage.TYPE_INT_RGB);
    PixelFont.draw(img, 0, 0, text, 0xFFFFFF);
    return Arrays.stream(img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0,
        img.getWidth())).map(p -> p & 0xFFFFFF).toArray();
  }
}
