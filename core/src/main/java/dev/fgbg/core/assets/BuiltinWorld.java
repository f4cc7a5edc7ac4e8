package dev.fgbg.core.assets;

import dev.fgbg.core.assets.builtin.BuiltinBackgrounds;
import dev.fgbg.core.assets.builtin.BuiltinForegrounds;
import java.util.List;

/**
 * The embedded default world: 100 rendered rooms and outdoor scenes with exact metric depth, and
 * 100 foreground cut-outs in ten classes. Deterministic; needs no files.
 */
public final class BuiltinWorld {
  public static final int BACKGROUNDS = 100;
  public static final int FOREGROUNDS = 100;
  public static final String DEPTH_SOURCE = "builtin-exact";

  private BuiltinWorld() {}

  /** Generates the world at the given output size (backgrounds are rendered at that size). */
  public static AssetSet create(int width, int height) {
    return create(width, height, BACKGROUNDS, FOREGROUNDS);
  }

  /** A smaller world (first {@code bgs} backgrounds, first {@code fgs} foregrounds). */
  public static AssetSet create(int width, int height, int bgs, int fgs) {
    List<Background> backgrounds = BuiltinBackgrounds.create(bgs, width, height);
    List<Foreground> foregrounds = BuiltinForegrounds.create(fgs);
    return new AssetSet(width, height, backgrounds, foregrounds, BuiltinBackgrounds.LABELS,
        BuiltinForegrounds.LABELS, DEPTH_SOURCE);
  }
}
