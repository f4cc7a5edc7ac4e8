package dev.fgbg.core.assets.builtin;

/**
 * A room wall, as seen from the camera. The ordinal seeds the wall's texture hash and a draw
 * picks a wall by position, so the declaration order must not change.
 */
enum Wall {
  LEFT,
  RIGHT,
  BACK
}
