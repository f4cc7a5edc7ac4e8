package dev.fgbg.core.assets;

import java.nio.file.Path;

/**
 * A decoded file of {@link FolderAssets}, or why it could not be used; what its start-up lines
 * need besides the value ({@link AdjustedLines}).
 */
record Loaded<T>(Path file, T value, String problem, String resampled, int srcWidth,
    int srcHeight, String paletteNote, boolean opaqueBorder, boolean alphaIgnored) {
  static <T> Loaded<T> bad(Path file, RuntimeException e) {
    return new Loaded<>(file, null, e.getMessage(), null, 0, 0, null, false, false);
  }

  /** {@code value}, made of {@code p}, with {@code p}'s notes. */
  static <T> Loaded<T> of(Path file, T value, Prepared p) {
    return new Loaded<>(file, value, null, p.resampled(), p.srcWidth(), p.srcHeight(),
        p.paletteNote(), p.opaqueBorder(), p.alphaIgnored());
  }
}
