package dev.fgbg.core.dataset;

/**
 * Which {@link dev.fgbg.core.synth.PlacementRng} draw each choice of a sample takes. The sample's
 * own cut-out, first attempt, keeps the classic draws 0 (height), 1 (x) and 2 (foot row), so a
 * classic spec's placements never move; every other (object slot, attempt) has a block of its
 * own, so no two choices share a draw and adding objects never changes the earlier ones.
 */
final class Draws {
  static final int HEIGHT = 0;
  static final int X = 1;
  static final int FOOT = 2;
  static final int FLOOR_POINT = 3;
  static final int FOREGROUND = 4;
  static final int FLIP = 5;
  static final int ANGLE = 6;
  private static final int PER_ATTEMPT = 8;

  /** Scene-wide draws. */
  static final int EXTRA_OBJECTS = 3;
  static final int DISTRACTORS = 4;
  static final int BLEND = 5;
  private static final int FIRST_BLOCK = 8;

  /** The most placements tried per object (re-draws after the first). */
  static final int ATTEMPTS = 8;

  private Draws() {}

  /** The draw of {@code what} for object {@code slot} (0: the sample's own), attempt {@code a}. */
  static int of(int slot, int attempt, int what) {
    if (slot == 0 && attempt == 0 && what <= FOOT) {
      return what;
    }
    return FIRST_BLOCK + (slot * ATTEMPTS + attempt) * PER_ATTEMPT + what;
  }
}
