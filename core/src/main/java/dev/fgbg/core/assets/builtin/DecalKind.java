package dev.fgbg.core.assets.builtin;

/** What a rectangle drawn on a room wall is. */
enum DecalKind {
  WINDOW,
  DOOR
}
