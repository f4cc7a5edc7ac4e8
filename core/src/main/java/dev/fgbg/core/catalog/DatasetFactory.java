package dev.fgbg.core.catalog;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.assets.FolderAssets;
import dev.fgbg.core.assets.FolderDataset;
import dev.fgbg.core.assets.ImageFiles;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthModels;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Turns flag-style settings into datasets, with messages that name the setting at fault. */
final class DatasetFactory {
  static final String BUILTIN = "builtin";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private DatasetFactory() {}

  static Dataset builtin(Spec spec, int backgrounds, int foregrounds) {
    AssetSet assets = BuiltinWorld.create(spec.width(), spec.height(), backgrounds, foregrounds);
    return new Dataset(BUILTIN, assets, spec);
  }

  /** The built-in world with model depth instead of its exact depth (for model checks). */
  static Dataset builtinWithModel(Spec spec, int backgrounds, int foregrounds, String model,
      String weights, String mode, DepthModels models) {
    AssetSet exact = BuiltinWorld.create(spec.width(), spec.height(), backgrounds, foregrounds);
    List<Background> plain = exact.backgrounds().stream()
        .map(b -> new Background(b.name(), b.label(), b.width(), b.height(), b.rgb(), null, null,
            0)).toList();
    AssetSet assets = new AssetSet(exact.width(), exact.height(), plain, exact.foregrounds(),
        exact.backgroundLabels(), exact.foregroundLabels(), "none");
    return withDepth(BUILTIN, assets, spec, model, weights, mode, models);
  }

  static Dataset folder(FolderDatasetConfig c) {
    return folder(c, null);
  }

  static Dataset folder(FolderDatasetConfig c, DepthModels models) {
    String name = c.getName().isEmpty() ? "folder" : c.getName();
    if (!NAME.matcher(name).matches()) {
      throw FgbgException.invalidConfig("dataset name " + Quoted.of(name)
          + " must be 1-64 ASCII letters, digits, '_', '.' or '-', starting with a letter or "
          + "digit");
    }
    if (name.equals(BUILTIN)) {
      throw FgbgException.invalidConfig("dataset name 'builtin' is reserved for the built-in world");
    }
    if (c.getBg().isEmpty() || c.getFg().isEmpty()) {
      throw FgbgException.invalidConfig("dataset '" + name + "' needs both --bg and --fg folders");
    }
    Spec spec = spec(name, c);
    if (spec.position() == Spec.Position.DEPTH && c.getDepthModel().isEmpty()) {
      // Photos carry no depth of their own: only a model can say where their floor is.
      throw FgbgException.invalidConfig("dataset '" + name + "': --position depth needs the "
          + "backgrounds' depth: give a --depth-model (teacher or layered mode)");
    }
    FolderDataset.MaskFrom maskFrom = switch (c.getMaskFrom().toLowerCase(Locale.ROOT)) {
      case "", "alpha" -> FolderDataset.MaskFrom.ALPHA;
      case "luminance" -> FolderDataset.MaskFrom.LUMINANCE;
      default -> throw FgbgException.invalidConfig("dataset '" + name + "': --mask-from '"
          + c.getMaskFrom() + "' must be alpha or luminance");
    };
    FolderDataset.OnBadFile onBadFile = switch (c.getOnBadFile().toLowerCase(Locale.ROOT)) {
      case "", "fail" -> FolderDataset.OnBadFile.FAIL;
      case "skip" -> FolderDataset.OnBadFile.SKIP;
      default -> throw FgbgException.invalidConfig("dataset '" + name + "': --on-bad-file '"
          + c.getOnBadFile() + "' must be fail or skip");
    };
    FolderDataset fd;
    try {
      fd = new FolderDataset(name, Path.of(c.getBg()), Path.of(c.getFg()),
          c.getFgMasks().isEmpty() ? null : Path.of(c.getFgMasks()), maskFrom,
          c.getMaxImagePixels() == 0 ? ImageFiles.DEFAULT_MAX_PIXELS : c.getMaxImagePixels(),
          onBadFile);
    } catch (IllegalArgumentException e) {
      throw FgbgException.invalidConfig("dataset '" + name + "': " + e.getMessage(), e);
    }
    AssetSet assets = FolderAssets.load(fd, spec.width(), spec.height());
    try {
      return withDepth(name, assets, spec, c.getDepthModel(), c.getDepthWeights(),
          c.getDepthMode(), models);
    } catch (FgbgException e) {
      throw FgbgException.invalidConfig("dataset '" + name + "': " + e.getMessage(), e);
    }
  }

  /** The dataset, with model depth when a model is named (teacher or layered). */
  static Dataset withDepth(String name, AssetSet assets, Spec spec, String model, String weights,
      String mode, DepthModels models) {
    boolean byDepth = spec.position() == Spec.Position.DEPTH;
    if (model.isEmpty()) {
      if (!weights.isEmpty() || !mode.isEmpty()) {
        throw FgbgException.invalidConfig("--depth-weights and --depth-mode need --depth-model");
      }
      return new Dataset(name, assets, spec);
    }
    DepthRuntime runtime = models.get(model, weights);
    return switch (mode.toLowerCase(Locale.ROOT)) {
      // Depth placement reads the backgrounds' depth; the teacher still serves each composite's.
      case "", "teacher" -> byDepth
          ? new Dataset(name, assets, spec, runtime.teacher(), runtime.backgroundDepths(assets))
          : new Dataset(name, assets, spec, runtime.teacher());
      case "layered" -> new Dataset(name, runtime.layered(assets), spec);
      default -> throw FgbgException.invalidConfig("--depth-mode '" + mode
          + "' must be teacher or layered");
    };
  }

  static Spec spec(String name, FolderDatasetConfig c) {
    return specOf("dataset '" + name + "'", c);
  }

  /** The spec of {@code c}'s fields; INVALID_CONFIG naming {@code who} and the flag at fault. */
  static Spec specOf(String who, FolderDatasetConfig c) {
    Spec.Builder b = Spec.builder();
    try {
      if (!c.getSize().isEmpty()) {
        int[] hw = size(c.getSize());
        b.size(hw[0], hw[1]);
      }
      if (!c.getFgScale().isEmpty()) {
        double[] mm = pair("--fg-scale", c.getFgScale());
        b.fgScale(mm[0], mm[1]);
      }
      if (c.hasPlacements()) {
        b.placements(c.getPlacements());
      }
      if (c.hasFlip()) {
        b.flip(c.getFlip());
      }
      switch (c.getPosition().toLowerCase(Locale.ROOT)) {
        case "", "random" -> b.position(Spec.Position.RANDOM);
        case "fixed" -> b.position(Spec.Position.FIXED);
        case "ground" -> b.position(Spec.Position.GROUND);
        case "depth" -> b.position(Spec.Position.DEPTH);
        default -> throw new IllegalArgumentException("--position '" + c.getPosition()
            + "' must be random, fixed, ground or depth");
      }
      if (!c.getGroundBand().isEmpty()) {
        double[] band = pair("--ground-band", c.getGroundBand());
        b.ground(band[0], band[1]);
      }
      if (c.hasMaskThreshold()) {
        b.maskThreshold(c.getMaskThreshold());
      }
      if (c.hasSoftMask()) {
        b.softMask(c.getSoftMask());
      }
      return b.scene(SceneConfig.parse(c)).build();
    } catch (IllegalArgumentException e) {
      throw FgbgException.invalidConfig(who + ": " + e.getMessage(), e);
    }
  }

  /** "MIN:MAX" as two numbers; IllegalArgumentException naming {@code flag} otherwise. */
  private static double[] pair(String flag, String text) {
    String[] p = text.split(":");
    try {
      if (p.length == 2) {
        return new double[] {Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim())};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " '" + text + "' must be MIN:MAX");
  }

  /** "H" or "HxW". */
  static int[] size(String s) {
    String[] p = s.toLowerCase(Locale.ROOT).split("x");
    try {
      if (p.length == 1) {
        int v = Integer.parseInt(p[0].trim());
        return new int[] {v, v};
      }
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("--size '" + s + "' must be H or HxW, e.g. 224 or 32x48");
  }
}
