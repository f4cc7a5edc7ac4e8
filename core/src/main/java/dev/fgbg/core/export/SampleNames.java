package dev.fgbg.core.export;

import dev.fgbg.core.synth.IndexCodec;

/** File names shared with the hand-made layout: {@code fg_bg_{fg}_{bg}_{flip}_{k}}. */
final class SampleNames {
  private SampleNames() {}

  static String name(IndexCodec c, long index) {
    return "fg_bg_" + c.fg(index) + "_" + c.bg(index) + "_" + c.flip(index) + "_" + c.k(index);
  }

  static String bgFolder(int bg) {
    return String.format("bg_%03d", bg);
  }
}
