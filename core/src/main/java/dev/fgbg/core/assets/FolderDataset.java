package dev.fgbg.core.assets;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a folder dataset's images are and how foreground masks are found.
 *
 * @param fgMasks a folder of masks with the foregrounds' relative names, or null
 * @param maskFrom where a foreground's alpha comes from
 * @param maxImagePixels images whose header gives more pixels than this are refused
 * @param onBadFile what a bad image does: stop the load (naming every bad file) or be skipped
 * @param skipSetting how the warning of a skipping load names the setting that asked for it:
 *     {@link #SKIP_FLAG}, or {@link #SKIP_KEY} for a config file's entry that sets it
 */
public record FolderDataset(String name, Path backgrounds, Path foregrounds, Path fgMasks,
    MaskFrom maskFrom, long maxImagePixels, OnBadFile onBadFile, String skipSetting) {
  /** The flag that asks a load to skip bad files. */
  public static final String SKIP_FLAG = "--on-bad-file skip";
  /** The config file's key that asks it, where its spelling is not known ("onBadFile" too). */
  public static final String SKIP_KEY = "\"on_bad_file\": \"skip\"";

  /** Source of foreground alpha. */
  public enum MaskFrom {
    /** The image's own alpha channel, else the sidecar mask when one is given. */
    ALPHA,
    /** The foreground's own luminance (overlays such as MNIST digits). */
    LUMINANCE
  }

  /** What a bad image (and a cut-out whose mask is bad) does to the load. */
  public enum OnBadFile {
    /** The load fails naming every bad file (the default). */
    FAIL,
    /** Bad images are dropped with one warning listing them; the rest is served. */
    SKIP
  }

  public FolderDataset {
    Objects.requireNonNull(onBadFile, "onBadFile");
    Objects.requireNonNull(skipSetting, "skipSetting");
    if (maxImagePixels < 1 || maxImagePixels > ImageFiles.MAX_PIXELS_LIMIT) {
      throw new IllegalArgumentException("--max-image-pixels " + maxImagePixels
          + " must be in [1, " + ImageFiles.MAX_PIXELS_LIMIT + "] (an image's RGBA copy must "
          + "fit in one Java array)");
    }
  }

  /** Skipping, when {@code onBadFile} says so, as the flag asked. */
  public FolderDataset(String name, Path backgrounds, Path foregrounds, Path fgMasks,
      MaskFrom maskFrom, long maxImagePixels, OnBadFile onBadFile) {
    this(name, backgrounds, foregrounds, fgMasks, maskFrom, maxImagePixels, onBadFile, SKIP_FLAG);
  }

  /** Failing on a bad file. */
  public FolderDataset(String name, Path backgrounds, Path foregrounds, Path fgMasks,
      MaskFrom maskFrom, long maxImagePixels) {
    this(name, backgrounds, foregrounds, fgMasks, maskFrom, maxImagePixels, OnBadFile.FAIL);
  }

  /** With the default pixel limit, failing on a bad file. */
  public FolderDataset(String name, Path backgrounds, Path foregrounds, Path fgMasks,
      MaskFrom maskFrom) {
    this(name, backgrounds, foregrounds, fgMasks, maskFrom, ImageFiles.DEFAULT_MAX_PIXELS);
  }
}
