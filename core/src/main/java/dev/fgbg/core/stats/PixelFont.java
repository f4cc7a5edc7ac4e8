package dev.fgbg.core.stats;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A 3×5 pixel font for captions and bar labels, drawn at 2× (no system fonts needed on a
 * headless server): digits, lower-case letters (upper case is drawn as lower), space and {@code = . - _ / : , ( ) ' + #};
 * anything else is drawn as '?'.
 */
final class PixelFont {
  private static final String CHARS = "0123456789bfgiklp= .macdehjnoqrstuvwxyz-_/:,()'+#?";
  // Each glyph: 5 rows of 3 bits, top row first.
  private static final int[][] GLYPHS = {
      {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
      {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
      {4, 4, 7, 5, 7}, {3, 4, 6, 4, 4}, {7, 5, 7, 1, 6}, {2, 0, 2, 2, 2}, {4, 5, 6, 5, 5},
      {2, 2, 2, 2, 2}, {7, 5, 7, 4, 4}, {0, 7, 0, 7, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 2},
      {0, 0, 6, 7, 5},
      // a c d e h j n o q r s t u v w x y z
      {0, 3, 5, 5, 3}, {0, 0, 7, 4, 7}, {1, 1, 7, 5, 7}, {7, 5, 7, 4, 7}, {4, 4, 7, 5, 5},
      {1, 0, 1, 5, 7}, {0, 0, 6, 5, 5}, {0, 0, 7, 5, 7}, {7, 5, 7, 1, 1}, {0, 0, 7, 4, 4},
      {3, 4, 2, 1, 6}, {2, 7, 2, 2, 3}, {0, 0, 5, 5, 7}, {0, 0, 5, 5, 2}, {0, 0, 5, 7, 7},
      {0, 0, 5, 2, 5}, {5, 5, 7, 1, 6}, {7, 1, 2, 4, 7},
      // - _ / : , ( ) ' + # ?
      {0, 0, 7, 0, 0}, {0, 0, 0, 0, 7}, {1, 1, 2, 4, 4}, {0, 2, 0, 2, 0}, {0, 0, 0, 2, 4},
      {1, 2, 2, 2, 1}, {4, 2, 2, 2, 4}, {2, 2, 0, 0, 0}, {0, 2, 7, 2, 0}, {5, 7, 5, 7, 5},
      {7, 1, 2, 0, 2}};
  private static final int SCALE = 2;
  /** Pixels one character takes across. */
  static final int ADVANCE = 4 * SCALE;
  /** Pixels a line of text takes down. */
  static final int HEIGHT = 5 * SCALE;

  private PixelFont() {}

  /** Pixels {@code text} takes across. */
  static int width(String text) {
    return text.length() * ADVANCE;
  }

  /** {@code text} cut with ".." to at most {@code pixels} across. */
  static String fit(String text, int pixels) {
    int max = pixels / ADVANCE;
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 2)) + "..";
  }

  static void draw(BufferedImage img, int x, int y, String text, int rgb) {
    int cx = x;
    for (char ch : text.toLowerCase(Locale.ROOT).toCharArray()) {
      int g = CHARS.indexOf(ch);
      int[] glyph = GLYPHS[g >= 0 ? g : CHARS.length() - 1];
      for (int row = 0; row < 5; row++) {
        for (int col = 0; col < 3; col++) {
          if ((glyph[row] & (4 >> col)) != 0) {
            fill(img, cx + col * SCALE, y + row * SCALE, rgb);
          }
        }
      }
      cx += ADVANCE;
    }
  }

  private static void fill(BufferedImage img, int x, int y, int rgb) {
    for (int dy = 0; dy < SCALE; dy++) {
      for (int dx = 0; dx < SCALE; dx++) {
        if (x + dx < img.getWidth() && y + dy < img.getHeight()) {
          img.setRGB(x + dx, y + dy, rgb);
        }
      }
    }
  }
}
