package dev.fgbg.core.assets;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.synth.Resampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Loads a dataset's images from folders: PNG/JPEG backgrounds (centre-cropped and resized to the
 * output size) and foregrounds with alpha (or a sidecar mask, or their own luminance). Files
 * are taken in sorted relative-path order; a sub-folder name is the file's class label. Any bad
 * file fails the whole load with a message naming it.
 */
public final class FolderAssets {
  static final String NO_LABEL = "none";

  private FolderAssets() {}

  public static AssetSet load(FolderDataset config, int width, int height) {
    List<Path> bgFiles = list(config.backgrounds(), "background");
    List<Path> fgFiles = list(config.foregrounds(), "foreground");
    if (config.fgMasks() != null && !Files.isDirectory(config.fgMasks())) {
      throw FgbgException.invalidConfig("foreground mask folder " + config.fgMasks()
          + " does not exist or is not a folder");
    }
    List<String> bgLabels = labels(config.backgrounds(), bgFiles);
    List<String> fgLabels = labels(config.foregrounds(), fgFiles);
    Background[] bgs = new Background[bgFiles.size()];
    Foreground[] fgs = new Foreground[fgFiles.size()];
    RuntimeException[] bgErrors = new RuntimeException[bgs.length];
    RuntimeException[] fgErrors = new RuntimeException[fgs.length];
    IntStream.range(0, bgs.length).parallel().forEach(i -> {
      try {
        bgs[i] = background(config.backgrounds(), bgFiles.get(i), bgLabels, width, height);
      } catch (RuntimeException e) {
        bgErrors[i] = e;
      }
    });
    IntStream.range(0, fgs.length).parallel().forEach(i -> {
      try {
        fgs[i] = foreground(config, fgFiles.get(i), fgLabels);
      } catch (RuntimeException e) {
        fgErrors[i] = e;
      }
    });
    // Report the first bad file in name order, so the message does not depend on threads.
    for (RuntimeException e : bgErrors) {
      if (e != null) {
        throw e;
      }
    }
    for (RuntimeException e : fgErrors) {
      if (e != null) {
        throw e;
      }
    }
    return new AssetSet(width, height, List.of(bgs), List.of(fgs), bgLabels, fgLabels, "none");
  }

  private static List<Path> list(Path dir, String what) {
    if (dir == null) {
      throw FgbgException.invalidConfig("no " + what + " folder given");
    }
    if (!Files.isDirectory(dir)) {
      throw FgbgException.invalidConfig(what + " folder " + dir + " does not exist or is not a folder");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).filter(ImageFiles::isImage).forEach(files::add);
    } catch (IOException e) {
      throw FgbgException.invalidConfig("cannot list " + what + " folder " + dir + ": "
          + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw FgbgException.invalidConfig(what + " folder " + dir
          + " holds no PNG or JPEG images (.png, .jpg, .jpeg)");
    }
    files.sort((a, b) -> rel(dir, a).compareTo(rel(dir, b)));
    return files;
  }

  private static String rel(Path dir, Path file) {
    return dir.relativize(file).toString().replace('\\', '/');
  }

  private static String label(Path dir, Path file) {
    Path r = dir.relativize(file);
    return r.getNameCount() > 1 ? r.getName(0).toString() : NO_LABEL;
  }

  private static List<String> labels(Path dir, List<Path> files) {
    TreeSet<String> set = new TreeSet<>();
    for (Path f : files) {
      set.add(label(dir, f));
    }
    return List.copyOf(set);
  }

  private static Background background(Path dir, Path file, List<String> labels, int width,
      int height) {
    ImageFiles.Pixels p = ImageFiles.read(file);
    byte[] rgb = new byte[p.width() * p.height() * 3];
    for (int i = 0; i < p.width() * p.height(); i++) {
      rgb[i * 3] = p.rgba()[i * 4];
      rgb[i * 3 + 1] = p.rgba()[i * 4 + 1];
      rgb[i * 3 + 2] = p.rgba()[i * 4 + 2];
    }
    byte[] out = Resampler.cropResizeRgb(rgb, p.width(), p.height(), width, height);
    return new Background(rel(dir, file), labels.indexOf(label(dir, file)), width, height, out,
        null, null, 0);
  }

  private static Foreground foreground(FolderDataset config, Path file, List<String> labels) {
    Path dir = config.foregrounds();
    ImageFiles.Pixels p = ImageFiles.read(file);
    byte[] rgba = p.rgba();
    String name = rel(dir, file);
    if (config.maskFrom() == FolderDataset.MaskFrom.LUMINANCE) {
      for (int i = 0; i < p.width() * p.height(); i++) {
        rgba[i * 4 + 3] = luma(rgba, i * 4);
      }
    } else if (config.fgMasks() != null) {
      Path maskFile = sidecar(config.fgMasks(), name);
      ImageFiles.Pixels m = ImageFiles.read(maskFile);
      if (m.width() != p.width() || m.height() != p.height()) {
        throw FgbgException.invalidConfig("mask " + maskFile + " is " + m.width() + "x"
            + m.height() + " but foreground " + file + " is " + p.width() + "x" + p.height());
      }
      for (int i = 0; i < p.width() * p.height(); i++) {
        rgba[i * 4 + 3] = m.hasAlpha() && !opaque(m) ? m.rgba()[i * 4 + 3] : luma(m.rgba(), i * 4);
      }
    } else if (!p.hasAlpha()) {
      throw FgbgException.invalidConfig("foreground " + file + " has no alpha channel; give a "
          + "mask folder (--fg-masks DIR, same file names) or --mask-from luminance");
    }
    return new Foreground(name, labels.indexOf(label(dir, file)), p.width(), p.height(), rgba);
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
