package dev.fgbg.core.assets;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.FolderListing.ImageFile;
import dev.fgbg.core.synth.Resampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * Loads a dataset's images from folders: PNG/JPEG backgrounds (centre-cropped and resized to the
 * output size) and foregrounds with alpha (or a sidecar mask, fitted by {@link MaskFit}, or
 * their own luminance), trimmed to their visible pixels ({@link VisibleBox}). Every image is
 * turned upright by its EXIF orientation ({@link ImageFiles}). Files are taken in sorted
 * relative-path order ({@link FolderListing}); labels come from {@link FolderLabels}. Every
 * file is checked: the load fails once, naming every bad file ({@link Problems}), or, with
 * {@link FolderDataset.OnBadFile#SKIP}, drops the bad images with one warning naming them (as
 * many as a refusal would) and records every one, with why, in the asset set.
 */
public final class FolderAssets {
  static final String NO_LABEL = FolderLabels.NO_LABEL;
  private static final Logger LOG = Logger.getLogger(FolderAssets.class.getName());

  private FolderAssets() {}

  /** The folders' images, refusing only a cut-out that is transparent everywhere. */
  public static AssetSet load(FolderDataset config, int width, int height) {
    return load(config, width, height, 1);
  }

  /**
   * The folders' images; a cut-out whose alpha never reaches {@code maskAlpha} (the spec's
   * mask threshold, or 1 with soft masks) is refused like a bad file: every mask of it would be
   * empty, though its paste shows.
   */
  public static AssetSet load(FolderDataset config, int width, int height, int maskAlpha) {
    return load(config, width, height, maskAlpha, Ticker.systemTicker());
  }

  /** As above, timing the progress lines of a long decoding by {@code ticker}. */
  public static AssetSet load(FolderDataset config, int width, int height, int maskAlpha,
      Ticker ticker) {
    return load(FolderFiles.check(config, List.of()), width, height, maskAlpha, ticker);
  }

  /** As above, the files checked already ({@link FolderFiles}): decodes them. */
  public static AssetSet load(FolderFiles files, int width, int height, int maskAlpha,
      Ticker ticker) {
    return load(files, width, height, maskAlpha, ticker, null);
  }

  /**
   * As above, reading each photo prepared from {@code store} when it holds it, and keeping
   * there each photo decoded ({@link PhotoCache}); {@code store} null: none.
   */
  public static AssetSet load(FolderFiles files, int width, int height, int maskAlpha,
      Ticker ticker, PhotoStore store) {
    PhotoCache cache = new PhotoCache(store);
    FolderDataset config = files.config;
    Problems problems = files.problems;
    List<ImageFile> bgFiles = files.bgFiles;
    List<ImageFile> fgFiles = files.fgFiles;
    FolderLabels bgLabels = files.bgLabels;
    FolderLabels fgLabels = files.fgLabels;
    DecodeProgress progress = new DecodeProgress(config.name(), bgFiles.size() + fgFiles.size(),
        ticker);
    List<Loaded<Background>> bgs = IntStream.range(0, bgFiles.size()).parallel()
        .mapToObj(i -> progress.decoded(background(config, cache, bgFiles.get(i), bgLabels,
            width, height))).toList();
    MaskFiles masks = files.masks;
    List<Loaded<Foreground>> fgs = IntStream.range(0, fgFiles.size()).parallel()
        .mapToObj(i -> progress.decoded(foreground(config, cache, masks, fgFiles.get(i),
            fgLabels, maskAlpha))).toList();
    progress.finished(cache.hits());
    // Problems sorted by path (Problems), so the message depends on neither threads nor disk.
    for (Loaded<?> l : bgs) {
      if (l.problem() != null) {
        problems.add(l.file(), l.problem());
      }
    }
    for (Loaded<?> l : fgs) {
      if (l.problem() != null) {
        problems.add(l.file(), l.problem());
      }
    }
    Set<String> skipped = problems.settle(config.name(), FolderFiles.skip(config),
        config.skipSetting());
    List<Loaded<Background>> goodBgs = kept(bgs, skipped);
    List<Loaded<Foreground>> goodFgs = kept(fgs, skipped);
    if (goodBgs.isEmpty() || goodFgs.isEmpty()) {
      throw FgbgException.invalidConfig("dataset " + Quoted.of(config.name()) + ": every "
          + (goodBgs.isEmpty() ? "background" : "foreground") + " is bad, nothing is left to "
          + "serve: " + problems.skippedAll(config.skipSetting(), skipped));
    }
    if (!skipped.isEmpty()) {
      LOG.warning(problems.skippedLine(config.name(), config.skipSetting(), skipped));
    }
    AdjustedLines.log(config, goodBgs, goodFgs, width, height);
    // Ids stay (a strict load of the fixed folders gives the same ones), but a class with no
    // sample would be counted in num_classes = len(labels) unnoticed.
    bgLabels.warnUnserved(config.name(), "background", goodBgs.stream()
        .map(l -> l.value().label()).toList());
    fgLabels.warnUnserved(config.name(), "foreground", goodFgs.stream()
        .map(l -> l.value().label()).toList());
    return new AssetSet(width, height, goodBgs.stream().map(Loaded::value).toList(),
        goodFgs.stream().map(Loaded::value).toList(), bgLabels.table(), fgLabels.table(), "none",
        "", skippedFiles(config, skipped, problems));
  }

  private static <T> List<Loaded<T>> kept(List<Loaded<T>> loaded, Set<String> skipped) {
    return loaded.stream().filter(l -> l.problem() == null
        && !skipped.contains(l.file().toString())).toList();
  }

  /** Skipped files by their name under the dataset's folders ("bg/…", "fg/…"), sorted. */
  private static List<SkippedFile> skippedFiles(FolderDataset config, Set<String> skipped,
      Problems problems) {
    List<SkippedFile> out = new ArrayList<>();
    for (String s : skipped) {
      Path p = Path.of(s);
      out.add(new SkippedFile(p.startsWith(config.backgrounds())
          ? "bg/" + rel(config.backgrounds(), p) : p.startsWith(config.foregrounds())
          ? "fg/" + rel(config.foregrounds(), p) : "other/" + p.getFileName(),
          problems.reason(s)));
    }
    out.sort(Comparator.comparing(SkippedFile::name));
    return out;
  }

  private static String rel(Path dir, Path p) {
    return dir.relativize(p).toString().replace('\\', '/');
  }

  private static Loaded<Background> background(FolderDataset config, PhotoCache cache,
      ImageFile file, FolderLabels labels, int width, int height) {
    try {
      Prepared p = cache.get(3, List.of(file.path()), List.of("bg", config.maxImagePixels(),
          width, height), PathWords.of(file.path().toString()), () -> {
            ImageFiles.Pixels px = ImageFiles.read(file.path(), config.maxImagePixels());
            // Scaled from the RGBA bytes in place: a large photo costs no further copy.
            return Prepared.rgb(width, height, Resampler.cropResizeRgb(px.rgba(), 4,
                px.width(), px.height(), width, height), px.width(), px.height());
          });
      // Whether it was upscaled is told by its source size (Upscaled).
      return Loaded.of(file.path(), new Background(file.name(), labels.index(file.name()),
          width, height, p.pixels(), null, null, 0), p);
    } catch (FgbgException e) {
      return Loaded.bad(file.path(), e);
    }
  }

  private static Loaded<Foreground> foreground(FolderDataset config, PhotoCache cache,
      MaskFiles masks, ImageFile file, FolderLabels labels, int maskAlpha) {
    try {
      // Keyed by the mask's name in its folder (and bytes), or by why none was found, with
      // no path: the words name the paths of the start that reads them (PathWords).
      Object mask = maskOf(config, masks, file.name());
      Path maskFile = mask instanceof Path m ? m : null;
      PathWords paths = PathWords.of(file.path().toString());
      Object maskKey = mask;
      if (maskFile != null) {
        paths.and(PathWords.MASK, maskFile);
        maskKey = rel(masks.dir(), maskFile);
      } else if (mask != null) {
        maskKey = paths.and(PathWords.MASKS, masks.dir()).hide((String) mask);
      }
      Prepared p = cache.get(4, maskFile == null ? List.of(file.path())
          : List.of(file.path(), maskFile), List.of("fg", file.name(), config.maxImagePixels(),
          config.maskFrom(), maskAlpha, masks != null, String.valueOf(maskKey)), paths,
          () -> cutOut(config, masks, file, maskAlpha));
      return Loaded.of(file.path(), new Foreground(file.name(), labels.index(file.name()),
          p.width(), p.height(), p.pixels(), labels.realHeight(file.name())), p);
    } catch (FgbgException e) {
      return Loaded.bad(file.path(), e);
    }
  }

  /** The mask file of cut-out {@code name}, null for none, or why none is found (words). */
  private static Object maskOf(FolderDataset config, MaskFiles masks, String name) {
    try {
      return masks == null || config.maskFrom() == FolderDataset.MaskFrom.LUMINANCE ? null
          : masks.of(name);
    } catch (FgbgException e) {
      return e.getMessage(); // cutOut refuses it so
    }
  }

  /** A cut-out decoded, masked and trimmed; a bad one is an {@link FgbgException}. */
  private static Prepared cutOut(FolderDataset config, MaskFiles masks, ImageFile file,
      int maskAlpha) {
    ImageFiles.Pixels p = ImageFiles.read(file.path(), config.maxImagePixels());
    byte[] rgba = p.rgba();
    int n = p.width() * p.height();
    String resampled = null; // "name: mask HxW -> HxW", the example a warning gives
    String maskWord = "its alpha";
    Path maskFile = null;
    String paletteNote = null;
    boolean opaqueBorder = false;
    // A real alpha (not all opaque) already cuts it out: the border warning's advice (add
    // transparency) would not fit it, so it gets its own line (IgnoredAlpha).
    boolean alphaIgnored = false;
    if (config.maskFrom() == FolderDataset.MaskFrom.LUMINANCE) {
      maskWord = FaintMask.LUMINANCE;
      alphaIgnored = p.hasAlpha() && !opaque(p);
      for (int i = 0; i < n; i++) {
        rgba[i * 4 + 3] = luma(rgba, i * 4);
      }
      opaqueBorder = !alphaIgnored && PlainBorder.opaque(rgba, p.width(), p.height());
    } else if (masks != null) {
      maskFile = masks.of(file.name());
      maskWord = "its mask " + maskFile;
      ImageFiles.Pixels m = ImageFiles.read(maskFile, config.maxImagePixels());
      byte[] values = alpha(m);
      paletteNote = PaletteMasks.note(maskFile, m, values); // before resampling blurs edges
      byte[] alpha = MaskFit.fit(values, m.width(), m.height(), p.width(), p.height(),
          maskFile);
      if (m.width() != p.width() || m.height() != p.height()) {
        resampled = String.format(Locale.ROOT, "%s: mask %dx%d -> %dx%d", file.name(),
            m.height(), m.width(), p.height(), p.width());
      }
      for (int i = 0; i < n; i++) {
        rgba[i * 4 + 3] = alpha[i];
      }
    } else if (!p.hasAlpha()) {
      throw FgbgException.invalidConfig(PlainBorder.noAlpha(rgba, p.width(), p.height()));
    }
    int most = maxAlpha(rgba);
    if (most == 0) {
      throw FgbgException.invalidConfig("is transparent everywhere (its mask is 0 at every "
          + "pixel): the cut-out would paste nothing and every mask of it would be empty");
    }
    if (most < maskAlpha) {
      throw FgbgException.invalidConfig(FaintMask.message(maskWord, maskFile, most, maskAlpha));
    }
    // Sized and stood by its visible pixels, not its canvas (VisibleBox).
    VisibleBox.Cut cut = VisibleBox.trim(rgba, p.width(), p.height(), maskAlpha);
    if (cut.tooSmall() != null) {
      throw FgbgException.invalidConfig(cut.tooSmall());
    }
    return new Prepared(cut.width(), cut.height(), 4, cut.rgba(), p.width(), p.height(),
        resampled, paletteNote, opaqueBorder, alphaIgnored);
  }

  /** A mask's values: its alpha when it has a real one, else its luminance. */
  private static byte[] alpha(ImageFiles.Pixels m) {
    int n = m.width() * m.height();
    byte[] out = new byte[n];
    boolean useAlpha = m.hasAlpha() && !opaque(m);
    for (int i = 0; i < n; i++) {
      out[i] = useAlpha ? m.rgba()[i * 4 + 3] : luma(m.rgba(), i * 4);
    }
    return out;
  }

  private static int maxAlpha(byte[] rgba) {
    int most = 0;
    for (int i = 3; i < rgba.length && most < 255; i += 4) {
      most = Math.max(most, rgba[i] & 0xff);
    }
    return most;
  }

  private static boolean opaque(ImageFiles.Pixels m) {
    for (int i = 3; i < m.rgba().length; i += 4) {
      if (m.rgba()[i] != (byte) 255) {
        return false;
      }
    }
    return true;
  }

  /** Rec. 601 luma in integers. */
  static byte luma(byte[] rgba, int o) {
    int r = rgba[o] & 0xff;
    int g = rgba[o + 1] & 0xff;
    int b = rgba[o + 2] & 0xff;
    return (byte) ((299 * r + 587 * g + 114 * b + 500) / 1000);
  }
}
