package dev.fgbg.core.assets.builtin;

/** The colours scenes draw from; a draw picks by position, so entries keep their order. */
final class Palettes {
  static final int[] WALL_PAINT = {0xE8E4DA, 0xD9E2E8, 0xEDE3D0, 0xC9D6C3, 0xE6D5D0, 0xF2F0EA,
      0xBFC9D4, 0xD8CFC0};
  static final int[] WOOD = {0xA0703C, 0x8B5A2B, 0xC08A50, 0x6E4A2A, 0xB58B5A};
  static final int[] FABRIC = {0x3B5B8C, 0x8C3B3B, 0x4F7A4F, 0x5A5A5A, 0x7A5A8C, 0xC7A34A};
  static final int[] FACADE = {0xB8A48C, 0x9C8F85, 0xC8B89A, 0x8C7B6B, 0xA8B0B8, 0xD0C4B0,
      0x7F6A5A};

  private Palettes() {}
}
