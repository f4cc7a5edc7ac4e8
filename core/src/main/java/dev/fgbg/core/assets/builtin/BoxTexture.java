package dev.fgbg.core.assets.builtin;

/** How a box's surface is patterned on top of its colour. */
enum BoxTexture {
  PLAIN,
  /** Fine noise: upholstery. */
  FABRIC,
  /** Dark shelf lines with book spines on the front. */
  BOOKSHELF,
  /** Panel seams: cabinets and crates. */
  CRATE,
  /** Building walls with windows on the sides; the roof stays plain. */
  FACADE
}
