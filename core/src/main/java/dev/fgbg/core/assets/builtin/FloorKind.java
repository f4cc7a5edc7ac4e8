package dev.fgbg.core.assets.builtin;

/** The texture of a room's floor. */
enum FloorKind {
  PLANKS,
  TILES,
  /** With a painted lane; warehouses only. */
  CONCRETE
}
