package dev.fgbg.core.assets;

import dev.fgbg.core.Quoted;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.stream.Collectors;

/**
 * The start-up line of a folder dataset's backgrounds that are smaller than the output: how
 * many, and the most enlarged by name with their effective enlargement (the centre crop that
 * fills the output is what is scaled, so a 4000x8 strip is a 28x enlargement of an 8x8 crop).
 * One enlarged past {@link #DEGENERATE}, or a 1x1 image, is said plainly and makes the line a
 * warning: it serves blur or one flat colour, rarely the photo meant.
 */
final class Upscaled {
  /** How many of the most enlarged backgrounds the line names. */
  static final int NAMED = 5;
  /** An enlargement past this is said to serve blur (a 224 output from a crop under 14 px). */
  static final double DEGENERATE = 16;

  private Upscaled() {}

  /** A background as read: its name and its size before the crop. */
  record Source(String name, int width, int height) {
    /** The factor its centre crop is scaled by to fill {@code width}x{@code height}. */
    double scale(int outWidth, int outHeight) {
      return Math.max((double) outWidth / width, (double) outHeight / height);
    }
  }

  /** The line's level and text, or null when no background is enlarged. */
  static Line line(String dataset, List<Source> all, int width, int height) {
    List<Source> up = all.stream().filter(s -> s.scale(width, height) > 1)
        .sorted(Comparator.comparingDouble((Source s) -> -s.scale(width, height))
            .thenComparing(Source::name))
        .toList();
    if (up.isEmpty()) {
      return null;
    }
    String named = up.stream().limit(NAMED).map(s -> one(s, width, height))
        .collect(Collectors.joining(", "));
    long bad = up.stream().filter(s -> degenerate(s, width, height)).count();
    String text = String.format(Locale.ROOT, "dataset %s: %d of %d backgrounds are smaller than "
        + "the %dx%d output and are upscaled; %s: %s%s%s", Quoted.of(dataset), up.size(),
        all.size(), height,
        width, up.size() == 1 ? "its enlargement" : "the most enlarged", named,
        up.size() > NAMED ? ", ... and " + (up.size() - NAMED) + " more" : "",
        bad == 0 ? "" : String.format(Locale.ROOT, ". %d %s enlarged more than %.0fx or 1x1: "
            + "%s blur or one flat colour, hardly a photo; check or remove %s", bad,
            bad == 1 ? "is" : "are", DEGENERATE, bad == 1 ? "it serves" : "they serve",
            bad == 1 ? "it" : "them"));
    return new Line(bad == 0 ? Level.INFO : Level.WARNING, text);
  }

  /** A logged line. */
  record Line(Level level, String text) {}

  private static boolean degenerate(Source s, int width, int height) {
    return s.width() * s.height() == 1 || s.scale(width, height) > DEGENERATE;
  }

  /** "name 28x (its 8x8 centre crop of 4000x8)", sizes height x width. */
  private static String one(Source s, int width, int height) {
    double scale = s.scale(width, height);
    int cropW = (int) Math.min(s.width(), Math.round(width / scale));
    int cropH = (int) Math.min(s.height(), Math.round(height / scale));
    String size = s.height() + "x" + s.width();
    String from = s.width() * s.height() == 1 ? "1x1: one flat colour"
        : cropW == s.width() && cropH == s.height() ? size
        : "its " + cropH + "x" + cropW + " centre crop of " + size;
    // Two decimals under 1.1x: a 32-wide background for a 33-wide output is 1.03x, not "1.0x".
    String factor = String.format(Locale.ROOT, scale >= 10 ? "%.0f" : scale >= 1.1 ? "%.1f"
        : "%.2f", scale);
    // A whole factor in one form, 4x as 14x (it was "4.0x"); "1.00x" is no whole 1x: kept.
    factor = factor.endsWith(".0") ? factor.substring(0, factor.length() - 2) : factor;
    return s.name() + " " + factor + "x (" + from + ")";
  }
}
