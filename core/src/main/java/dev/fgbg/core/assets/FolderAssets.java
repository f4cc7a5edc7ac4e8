package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.synth.Resampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Loads a dataset's images from folders: PNG/JPEG backgrounds (centre-cropped and resized to the
 * output size) and foregrounds with alpha (or a sidecar mask, or their own luminance). Files
 * are taken in sorted relative-path order; labels come from {@link FolderLabels}. Every file is
 * checked, and the load fails once, naming every bad file ({@link Problems}).
 */
public final class FolderAssets {
  static final String NO_LABEL = FolderLabels.NO_LABEL;
  /** A mask whose sides are each within this fraction of its cut-out's is resampled to it. */
  static final double MASK_TOLERANCE = 0.02;
  private static final Logger LOG = Logger.getLogger(FolderAssets.class.getName());

  private FolderAssets() {}

  /** A decoded file, or why it could not be used. */
  private record Loaded<T>(T value, String problem, boolean adjusted, int srcWidth,
      int srcHeight) {
    static <T> Loaded<T> bad(RuntimeException e) {
      return new Loaded<>(null, e.getMessage(), false, 0, 0);
    }
  }

  public static AssetSet load(FolderDataset config, int width, int height) {
    Problems problems = new Problems();
    // A missing folder does not stop the checks of the other one's files.
    List<String> bgNames = list(config.backgrounds(), "background", problems);
    List<String> fgNames = list(config.foregrounds(), "foreground", problems);
    if (config.fgMasks() != null && !Files.isDirectory(config.fgMasks())) {
      problems.add("foreground mask folder " + config.fgMasks()
          + " does not exist or is not a folder");
      fgNames = List.of(); // every cut-out would only repeat that its mask is missing
    }
    FolderLabels bgLabels = FolderLabels.of(config.backgrounds(), bgNames, problems);
    FolderLabels fgLabels = FolderLabels.of(config.foregrounds(), fgNames, problems);
    List<Loaded<Background>> bgs = IntStream.range(0, bgNames.size()).parallel()
        .mapToObj(i -> background(config, bgNames.get(i), bgLabels, width, height)).toList();
    List<String> fgList = fgNames;
    List<Loaded<Foreground>> fgs = IntStream.range(0, fgList.size()).parallel()
        .mapToObj(i -> foreground(config, fgList.get(i), fgLabels)).toList();
    // Problems in name order, backgrounds first, so the message does not depend on threads.
    for (int i = 0; i < bgs.size(); i++) {
      if (bgs.get(i).problem() != null) {
        problems.add(config.backgrounds().resolve(bgNames.get(i)), bgs.get(i).problem());
      }
    }
    for (int i = 0; i < fgs.size(); i++) {
      if (fgs.get(i).problem() != null) {
        problems.add(config.foregrounds().resolve(fgList.get(i)), fgs.get(i).problem());
      }
    }
    problems.throwIfAny(config.name());
    logAdjusted(config, bgs, fgs, width, height);
    return new AssetSet(width, height, bgs.stream().map(Loaded::value).toList(),
        fgs.stream().map(Loaded::value).toList(), bgLabels.table(), fgLabels.table(), "none");
  }

  /** One line for the masks that were resampled and one for the backgrounds upscaled. */
  private static void logAdjusted(FolderDataset config, List<Loaded<Background>> bgs,
      List<Loaded<Foreground>> fgs, int width, int height) {
    long masks = fgs.stream().filter(Loaded::adjusted).count();
    if (masks > 0) {
      LOG.warning(String.format(Locale.ROOT, "dataset %s: %d of %d foreground masks differ from "
          + "their cut-out's size by at most %.0f%% and were resampled to it", config.name(),
          masks, fgs.size(), MASK_TOLERANCE * 100));
    }
    List<Loaded<Background>> up = bgs.stream().filter(Loaded::adjusted).toList();
    if (!up.isEmpty()) {
      Loaded<Background> small = up.get(0);
      Loaded<Background> large = up.get(0);
      for (Loaded<Background> b : up) {
        long px = (long) b.srcWidth() * b.srcHeight();
        small = px < (long) small.srcWidth() * small.srcHeight() ? b : small;
        large = px > (long) large.srcWidth() * large.srcHeight() ? b : large;
      }
      LOG.info(String.format(Locale.ROOT, "dataset %s: %d of %d backgrounds are smaller than the "
              + "%dx%d output and are upscaled (from %dx%d%s)", config.name(), up.size(),
          bgs.size(), width, height, small.srcWidth(), small.srcHeight(), small == large ? ""
              : " to " + large.srcWidth() + "x" + large.srcHeight()));
    }
  }

  /** The images under {@code dir}, as sorted '/'-separated relative names. */
  private static List<String> list(Path dir, String what, Problems problems) {
    if (dir == null) {
      problems.add("no " + what + " folder given");
      return List.of();
    }
    if (!Files.isDirectory(dir)) {
      problems.add(what + " folder " + dir + " does not exist or is not a folder");
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).filter(ImageFiles::isImage)
          .forEach(p -> names.add(dir.relativize(p).toString().replace('\\', '/')));
    } catch (IOException | RuntimeException e) {
      problems.add("cannot list " + what + " folder " + dir + ": " + e.getMessage());
      return List.of();
    }
    if (names.isEmpty()) {
      problems.add(what + " folder " + dir + " holds no PNG or JPEG images (.png, .jpg, .jpeg)");
    }
    names.sort(null);
    return names;
  }

  private static Loaded<Background> background(FolderDataset config, String name,
      FolderLabels labels, int width, int height) {
    try {
      ImageFiles.Pixels p = ImageFiles.read(config.backgrounds().resolve(name),
          config.maxImagePixels());
      int n = p.width() * p.height();
      byte[] rgb = new byte[n * 3];
      for (int i = 0; i < n; i++) {
        rgb[i * 3] = p.rgba()[i * 4];
        rgb[i * 3 + 1] = p.rgba()[i * 4 + 1];
        rgb[i * 3 + 2] = p.rgba()[i * 4 + 2];
      }
      byte[] out = Resampler.cropResizeRgb(rgb, p.width(), p.height(), width, height);
      // Upscaled when the centre crop has fewer pixels than the output in either direction.
      boolean up = (long) p.width() * height < (long) p.height() * width
          ? p.width() < width : p.height() < height;
      return new Loaded<>(new Background(name, labels.index(name), width, height, out, null,
          null, 0), null, up, p.width(), p.height());
    } catch (FgbgException e) {
      return Loaded.bad(e);
    }
  }

  private static Loaded<Foreground> foreground(FolderDataset config, String name,
      FolderLabels labels) {
    Path file = config.foregrounds().resolve(name);
    try {
      ImageFiles.Pixels p = ImageFiles.read(file, config.maxImagePixels());
      byte[] rgba = p.rgba();
      int n = p.width() * p.height();
      boolean resampled = false;
      if (config.maskFrom() == FolderDataset.MaskFrom.LUMINANCE) {
        for (int i = 0; i < n; i++) {
          rgba[i * 4 + 3] = luma(rgba, i * 4);
        }
      } else if (config.fgMasks() != null) {
        Path maskFile = sidecar(config.fgMasks(), name);
        ImageFiles.Pixels m = ImageFiles.read(maskFile, config.maxImagePixels());
        byte[] alpha = alpha(m);
        if (m.width() != p.width() || m.height() != p.height()) {
          if (!withinTolerance(m.width(), p.width()) || !withinTolerance(m.height(), p.height())) {
            throw FgbgException.invalidConfig("mask " + maskFile + " is " + m.width() + "x"
                + m.height() + " but the cut-out is " + p.width() + "x" + p.height()
                + " (masks within 2% of the cut-out's size are resampled; this is further off)");
          }
          alpha = resize(alpha, m.width(), m.height(), p.width(), p.height());
          resampled = true;
        }
        for (int i = 0; i < n; i++) {
          rgba[i * 4 + 3] = alpha[i];
        }
      } else if (!p.hasAlpha()) {
        throw FgbgException.invalidConfig("has no alpha channel; give a mask folder "
            + "(--fg-masks DIR, same file names) or --mask-from luminance");
      }
      return new Loaded<>(new Foreground(name, labels.index(name), p.width(), p.height(), rgba,
          labels.realHeight(name)), null, resampled, p.width(), p.height());
    } catch (FgbgException e) {
      return Loaded.bad(e);
    }
  }

  private static boolean withinTolerance(int mask, int cutOut) {
    return Math.abs(mask - cutOut) <= MASK_TOLERANCE * cutOut;
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

  private static byte[] resize(byte[] values, int sw, int sh, int dw, int dh) {
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = values[i] & 0xff;
    }
    float[] r = Resampler.resize(f, sw, sh, 1, dw, dh);
    byte[] out = new byte[r.length];
    for (int i = 0; i < r.length; i++) {
      out[i] = (byte) Math.max(0, Math.min(255, Math.round(r[i])));
    }
    return out;
  }

  /** The mask with the same relative name, or the same name with a .png extension. */
  private static Path sidecar(Path maskDir, String name) {
    Path same = maskDir.resolve(name);
    if (Files.isRegularFile(same)) {
      return same;
    }
    int dot = name.lastIndexOf('.');
    Path png = maskDir.resolve((dot > 0 ? name.substring(0, dot) : name) + ".png");
    if (Files.isRegularFile(png)) {
      return png;
    }
    throw FgbgException.invalidConfig("no mask for foreground " + name + " in " + maskDir
        + " (looked for " + same.getFileName() + " and " + png.getFileName() + ")");
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
  private static byte luma(byte[] rgba, int o) {
    int r = rgba[o] & 0xff;
    int g = rgba[o + 1] & 0xff;
    int b = rgba[o + 2] & 0xff;
    return (byte) ((299 * r + 587 * g + 114 * b + 500) / 1000);
  }
}
