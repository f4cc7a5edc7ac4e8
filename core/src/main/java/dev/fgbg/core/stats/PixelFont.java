package dev.fgbg.core.stats;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A 5×9 pixel font for captions and bar labels, drawn at 2× (no system fonts needed on a
 * headless server): every printable ASCII character, upper and lower case, with descenders.
 * Accented letters are drawn without their accents; anything else is drawn as '?' (a label's
 * caption then says its id too, as it does for an accented name: {@link #label}). The glyphs
 * are drawn as text in {@code pixel-font.txt} beside this class.
 */
final class PixelFont {
  private static final int COLS = 5;
  private static final int ROWS = 9;
  private static final int SCALE = 2;
  private static final char FIRST = ' ';
  private static final char LAST = '~';
  /** Per character from {@link #FIRST}: ROWS rows of COLS bits, the leftmost column highest. */
  private static final int[][] GLYPHS = load();
  /** Pixels one character takes across. */
  static final int ADVANCE = (COLS + 1) * SCALE;
  /** Pixels a line of text takes down. */
  static final int HEIGHT = ROWS * SCALE;

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
    for (int i = 0; i < text.length(); i++) {
      int[] glyph = GLYPHS[index(text.charAt(i))];
      for (int row = 0; row < ROWS; row++) {
        for (int col = 0; col < COLS; col++) {
          if ((glyph[row] & (1 << (COLS - 1 - col))) != 0) {
            fill(img, cx + col * SCALE, y + row * SCALE, rgb);
          }
        }
      }
      cx += ADVANCE;
    }
  }

  /**
   * A label's name as a caption: the name itself, or, when the font cannot draw it exactly as
   * it is (猫 and 犬 would both read "?", Küche and Kuche both "Kuche"), {@code "#id "} before
   * it, so that rows of two such labels differ.
   */
  static String label(String name, int id) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < FIRST || name.charAt(i) > LAST) {
        return "#" + id + " " + name;
      }
    }
    return name;
  }

  /** The glyph of {@code ch}: itself, its letter without an accent, or '?'. */
  private static int index(char ch) {
    int g = glyph(ch);
    return g >= 0 ? g : '?' - FIRST;
  }

  /** The glyph of {@code ch} or of its letter without an accent; -1: the font has none. */
  private static int glyph(char ch) {
    if (ch < FIRST || ch > LAST) {
      String bare = Normalizer.normalize(String.valueOf(ch), Normalizer.Form.NFD);
      ch = bare.charAt(0);
    }
    return ch >= FIRST && ch <= LAST ? ch - FIRST : -1;
  }

  private static void fill(BufferedImage img, int x, int y, int rgb) {
    for (int dy = 0; dy < SCALE; dy++) {
      for (int dx = 0; dx < SCALE; dx++) {
        if (x + dx >= 0 && y + dy >= 0 && x + dx < img.getWidth()
            && y + dy < img.getHeight()) {
          img.setRGB(x + dx, y + dy, rgb);
        }
      }
    }
  }

  private static int[][] load() {
    int[][] glyphs = new int[LAST - FIRST + 1][];
    try (InputStream in = PixelFont.class.getResourceAsStream("pixel-font.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in,
            StandardCharsets.US_ASCII))) {
      List<String> lines = new ArrayList<>();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("//")) {
          lines.add(line);
        }
      }
      for (int i = 0; i < lines.size(); i += ROWS + 1) {
        int[] rows = new int[ROWS];
        for (int row = 0; row < ROWS; row++) {
          String bits = lines.get(i + 1 + row);
          for (int col = 0; col < COLS; col++) {
            rows[row] = rows[row] << 1 | (bits.charAt(col) == '#' ? 1 : 0);
          }
        }
        glyphs[lines.get(i).charAt(1) - FIRST] = rows;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int g = 0; g < glyphs.length; g++) {
      if (glyphs[g] == null) {
        throw new IllegalStateException("pixel-font.txt has no glyph for '" + (char) (FIRST + g)
            + "'");
      }
    }
    return glyphs;
  }
}
