package dev.fgbg.core.catalog;

import com.google.protobuf.Descriptors.FieldDescriptor;
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
import dev.fgbg.core.spec.SpecFieldException;
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
    FolderSettings s = settings(c, SettingNames.FLAGS);
    FolderDataset fd;
    try {
      fd = new FolderDataset(s.name(), Path.of(c.getBg()), Path.of(c.getFg()),
          c.getFgMasks().isEmpty() ? null : Path.of(c.getFgMasks()), s.maskFrom(),
          c.getMaxImagePixels() == 0 ? ImageFiles.DEFAULT_MAX_PIXELS : c.getMaxImagePixels(),
          s.onBadFile());
    } catch (IllegalArgumentException e) {
      throw FgbgException.invalidConfig(s.who() + ": " + e.getMessage(), e);
    }
    AssetSet assets = FolderAssets.load(fd, s.spec().width(), s.spec().height(),
        s.spec().softMask() ? 1 : s.spec().maskThreshold());
    try {
      return withDepth(s.name(), assets, s.spec(), c.getDepthModel(), c.getDepthWeights(),
          c.getDepthMode(), models);
    } catch (FgbgException e) {
      throw FgbgException.invalidConfig(s.who() + ": " + e.getMessage(), e);
    }
  }

  /** A folder dataset's settings, checked: all of it but its files and its model. */
  record FolderSettings(String name, Spec spec, FolderDataset.MaskFrom maskFrom,
      FolderDataset.OnBadFile onBadFile) {
    String who() {
      return DatasetFactory.who(name);
    }
  }

  /** {@code c}'s settings; INVALID_CONFIG naming the setting at fault as {@code names} do. */
  static FolderSettings settings(FolderDatasetConfig c, SettingNames names) {
    String name = c.getName().isEmpty() ? "folder" : c.getName();
    if (!NAME.matcher(name).matches()) {
      throw FgbgException.invalidConfig("dataset name " + Quoted.of(name)
          + " must be 1-64 ASCII letters, digits, '_', '.' or '-', starting with a letter or "
          + "digit");
    }
    if (name.equals(BUILTIN)) {
      throw FgbgException.invalidConfig("dataset name 'builtin' is reserved for the built-in world");
    }
    String who = who(name);
    if (c.getBg().isEmpty() || c.getFg().isEmpty()) {
      throw FgbgException.invalidConfig(who + " needs both " + names.of("bg") + " and "
          + names.of("fg") + " folders");
    }
    Spec spec = specOf(who, c, names);
    String problem = depthProblem(c.getDepthModel(), c.getDepthWeights(), c.getDepthMode(), names);
    if (problem == null && spec.position() == Spec.Position.DEPTH
        && c.getDepthModel().isEmpty()) {
      // Photos carry no depth of their own: only a model can say where their floor is.
      problem = names.of("position") + " depth needs the backgrounds' depth: give a "
          + names.of("depth-model") + " (teacher or layered mode)";
    }
    if (problem != null) {
      throw FgbgException.invalidConfig(who + ": " + problem);
    }
    FolderDataset.MaskFrom maskFrom = switch (c.getMaskFrom().toLowerCase(Locale.ROOT)) {
      case "", "alpha" -> FolderDataset.MaskFrom.ALPHA;
      case "luminance" -> FolderDataset.MaskFrom.LUMINANCE;
      default -> throw FgbgException.invalidConfig(who + ": " + names.of("mask-from") + " '"
          + c.getMaskFrom() + "' must be alpha or luminance");
    };
    FolderDataset.OnBadFile onBadFile = switch (c.getOnBadFile().toLowerCase(Locale.ROOT)) {
      case "", "fail" -> FolderDataset.OnBadFile.FAIL;
      case "skip" -> FolderDataset.OnBadFile.SKIP;
      default -> throw FgbgException.invalidConfig(who + ": " + names.of("on-bad-file") + " '"
          + c.getOnBadFile() + "' must be fail or skip");
    };
    return new FolderSettings(name, spec, maskFrom, onBadFile);
  }

  /** How messages name a folder dataset. */
  private static String who(String name) {
    return "dataset '" + name + "'";
  }

  /** What is wrong with the depth settings, or null. */
  static String depthProblem(String model, String weights, String mode,
      SettingNames names) {
    if (model.isEmpty() && (!weights.isEmpty() || !mode.isEmpty())) {
      return names.of("depth-weights") + " and " + names.of("depth-mode") + " need "
          + names.of("depth-model");
    }
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "", "teacher", "layered" -> null;
      default -> names.of("depth-mode") + " '" + mode + "' must be teacher or layered";
    };
  }

  /**
   * The dataset, with model depth when a model is named (teacher or layered). The depth
   * settings were checked with the rest ({@link #settings}, {@code BuiltinConfig}).
   */
  static Dataset withDepth(String name, AssetSet assets, Spec spec, String model, String weights,
      String mode, DepthModels models) {
    if (model.isEmpty()) {
      return new Dataset(name, assets, spec);
    }
    DepthRuntime runtime = models.get(model, weights);
    // Depth placement reads the backgrounds' depth; the teacher still serves each composite's.
    if (mode.equalsIgnoreCase("layered")) {
      return new Dataset(name, runtime.layered(assets), spec);
    }
    return spec.position() == Spec.Position.DEPTH
        ? new Dataset(name, assets, spec, runtime.teacher(), runtime.backgroundDepths(assets))
        : new Dataset(name, assets, spec, runtime.teacher());
  }

  /**
   * The spec of {@code c}'s fields; INVALID_CONFIG naming {@code who} and the setting at fault,
   * as {@code names} name it, otherwise.
   */
  static Spec specOf(String who, FolderDatasetConfig c, SettingNames names) {
    Spec.Builder b = Spec.builder();
    try {
      if (!c.getSize().isEmpty()) {
        int[] hw = size(names.of("size"), c.getSize());
        b.size(hw[0], hw[1]);
      }
      if (!c.getFgScale().isEmpty()) {
        double[] mm = pair(names.of("fg-scale"), c.getFgScale());
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
        default -> throw new IllegalArgumentException(names.of("position") + " '"
            + c.getPosition() + "' must be random, fixed, ground or depth");
      }
      if (!c.getGroundBand().isEmpty()) {
        double[] band = pair(names.of("ground-band"), c.getGroundBand());
        b.ground(band[0], band[1]);
      }
      if (c.hasMaskThreshold()) {
        b.maskThreshold(c.getMaskThreshold());
      }
      if (c.hasSoftMask()) {
        b.softMask(c.getSoftMask());
      }
      return b.scene(SceneConfig.parse(c, names)).build();
    } catch (SpecFieldException e) {
      String setting = SettingNames.ofSpecField(e.field());
      throw FgbgException.invalidConfig(who + ": " + names.of(setting) + " " + Quoted.of(
          text(c, setting)) + ": " + e.rule(), e);
    } catch (IllegalArgumentException e) {
      throw FgbgException.invalidConfig(who + ": " + e.getMessage(), e);
    }
  }

  /** The text {@code c} holds for a setting (flag form), as the user wrote it. */
  private static String text(FolderDatasetConfig c, String setting) {
    FieldDescriptor f = FolderDatasetConfig.getDescriptor().findFieldByName(
        setting.replace('-', '_'));
    return f == null ? "" : String.valueOf(c.getField(f));
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
  static int[] size(String text) {
    return size("--size", text);
  }

  /** "H" or "HxW"; IllegalArgumentException naming {@code setting} otherwise. */
  static int[] size(String setting, String s) {
    String[] p = s.toLowerCase(Locale.ROOT).split("x", -1);
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
    throw new IllegalArgumentException(setting + " '" + s + "' must be H or HxW, e.g. 224 or "
        + "32x48");
  }
}
