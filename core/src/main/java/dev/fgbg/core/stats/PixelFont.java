package dev.fgbg.core.stats;

import java.awt.image.BufferedImage;

/** A 3×5 pixel font for captions and bar labels (digits, a few letters, '=', '.', space), at 2×. */
final class PixelFont {
  private static final String CHARS = "0123456789bfgiklp= .m";
  // Each glyph: 5 rows of 3 bits, top row first.
  private static final int[][] GLYPHS = {
      {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
      {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
      {4, 4, 7, 5, 7}, {3, 4, 6, 4, 4}, {7, 5, 7, 1, 6}, {2, 0, 2, 2, 2}, {4, 5, 6, 5, 5},
      {2, 2, 2, 2, 2}, {7, 5, 7, 4, 4}, {0, 7, 0, 7, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 2},
      {0, 0, 6, 7, 5}};
  private static final int SCALE = 2;

  private PixelFont() {}

  /** Pixels {@code text} takes across. */
  static int width(String text) {
    return text.length() * 4 * SCALE;
  }

  static void draw(BufferedImage img, int x, int y, String text, int rgb) {
    int cx = x;
    for (char ch : text.toCharArray()) {
      int g = CHARS.indexOf(ch);
      if (g >= 0) {
        for (int row = 0; row < 5; row++) {
          for (int col = 0; col < 3; col++) {
            if ((GLYPHS[g][row] & (4 >> col)) != 0) {
              fill(img, cx + col * SCALE, y + row * SCALE, rgb);
            }
          }
        }
      }
      cx += 4 * SCALE;
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
