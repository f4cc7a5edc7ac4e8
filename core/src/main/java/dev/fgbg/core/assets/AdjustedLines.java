package dev.fgbg.core.assets;

import dev.fgbg.core.Quoted;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.logging.Logger;

/** The start-up lines of what {@link FolderAssets} adjusted in the photos it loaded. */
final class AdjustedLines {
  private static final Logger LOG = Logger.getLogger(FolderAssets.class.getName());

  private AdjustedLines() {}

  /**
   * One line for the masks that were resampled, one for the palette masks read as partial
   * opacity ({@link PaletteMasks}), one for the luminance masks opaque along most of their
   * border ({@link PlainBorder}), one for the cut-outs whose alpha luminance replaced
   * ({@link IgnoredAlpha}), one for the cut-outs trimmed to their visible pixels and one
   * for the backgrounds upscaled ({@link Upscaled}).
   */
  static void log(FolderDataset config, List<Loaded<Background>> bgs,
      List<Loaded<Foreground>> fgs, int width, int height) {
    List<String> masks = fgs.stream().map(Loaded::resampled).filter(Objects::nonNull).toList();
    if (!masks.isEmpty()) {
      LOG.warning(String.format(Locale.ROOT, "dataset %s: %d of %d foreground masks differ from "
          + "their cut-out's size (same aspect ratio) and were resampled to it (e.g. %s)",
          Quoted.of(config.name()), masks.size(), fgs.size(), masks.get(0)));
    }
    String palette = PaletteMasks.line(config.name(), fgs.stream().map(Loaded::paletteNote)
        .filter(Objects::nonNull).toList(), fgs.size());
    if (palette != null) {
      LOG.warning(palette);
    }
    String border = PlainBorder.line(config.name(), fgs.stream().filter(Loaded::opaqueBorder)
        .map(f -> f.value().name()).toList(), fgs.size());
    if (border != null) {
      LOG.warning(border);
    }
    String ignored = IgnoredAlpha.line(config.name(), fgs.stream()
        .filter(Loaded::alphaIgnored).map(f -> f.value().name()).toList(), fgs.size());
    if (ignored != null) {
      LOG.warning(ignored);
    }
    List<Loaded<Foreground>> cut = fgs.stream().filter(f -> f.value().width() != f.srcWidth()
        || f.value().height() != f.srcHeight()).toList();
    if (!cut.isEmpty()) {
      Loaded<Foreground> e = cut.get(0);
      LOG.info(String.format(Locale.ROOT, "dataset %s: %d of %d foregrounds have transparent "
          + "margins and are trimmed to their visible pixels (e.g. %s: %dx%d -> %dx%d)",
          Quoted.of(config.name()), cut.size(), fgs.size(), e.value().name(), e.srcHeight(),
          e.srcWidth(),
          e.value().height(), e.value().width()));
    }
    Upscaled.Line up = Upscaled.line(config.name(), bgs.stream().map(b -> new Upscaled.Source(
        b.value().name(), b.srcWidth(), b.srcHeight())).toList(), width, height);
    if (up != null) {
      LOG.log(up.level(), up.text());
    }
  }
}
