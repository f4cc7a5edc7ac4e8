package dev.fgbg.core.assets;

import dev.fgbg.core.Quoted;
import java.util.List;
import java.util.Locale;

/**
 * The start-up warning for cut-outs that carry a real alpha channel (not opaque everywhere)
 * served with {@code --mask-from luminance}: luminance replaces their alpha, so a digit drawn in
 * the alpha of an all-white image becomes a solid square. Dropping the flag uses their alpha.
 */
final class IgnoredAlpha {
  private IgnoredAlpha() {}

  /** The line for {@code names} (of {@code total} foregrounds); null: none. */
  static String line(String dataset, List<String> names, int total) {
    if (names.isEmpty()) {
      return null;
    }
    return String.format(Locale.ROOT, "dataset %s: %d of %d foregrounds have transparency (an "
        + "alpha channel that is not opaque everywhere) that --mask-from luminance ignores "
        + "(e.g. %s): their masks are made from brightness instead; drop --mask-from luminance "
        + "(their alpha is then used)", Quoted.of(dataset), names.size(), total, names.get(0));
  }
}
