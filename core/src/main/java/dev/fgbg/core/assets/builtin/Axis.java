package dev.fgbg.core.assets.builtin;

/**
 * A world axis: X right, Y up, Z forward. The ray caster indexes slabs by ordinal, so the
 * declaration order must not change.
 */
enum Axis {
  X,
  Y,
  Z
}
