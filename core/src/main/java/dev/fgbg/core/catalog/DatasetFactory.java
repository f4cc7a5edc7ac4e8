package dev.fgbg.core.catalog;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.assets.FolderAssets;
import dev.fgbg.core.assets.FolderDataset;
import dev.fgbg.core.assets.FolderFiles;
import dev.fgbg.core.assets.ImageFiles;
import dev.fgbg.core.assets.PhotoStore;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthModels;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.file.Path;
import java.util.ArrayList;
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
    return folder(c, models, null);
  }

  /**
   * {@code skipByKey}: the entry's on_bad_file as its config file spells it (the warning of a
   * skipping load quotes it), or null when the --on-bad-file flag's is taken.
   */
  static Dataset folder(FolderDatasetConfig c, DepthModels models, String skipByKey) {
    return folder(c, models, skipByKey, Ticker.systemTicker());
  }

  /** As above, timing the progress lines of a long decoding by {@code ticker}. */
  static Dataset folder(FolderDatasetConfig c, DepthModels models, String skipByKey,
      Ticker ticker) {
    return folder(check(c, models, skipByKey), models, ticker, null);
  }

  /** A folder dataset checked as far as it can be without decoding a photo. */
  record Checked(FolderDatasetConfig config, FolderSettings settings, FolderFiles files) {}

  /**
   * {@code c}'s settings, its depth model's files and its photo files as far as they can be
   * checked without decoding one: INVALID_CONFIG naming every problem found otherwise.
   */
  static Checked check(FolderDatasetConfig c, DepthModels models, String skipByKey) {
    FolderSettings s = settings(c, SettingNames.FLAGS);
    FolderDataset fd;
    try {
      fd = new FolderDataset(s.name(), Path.of(c.getBg()), Path.of(c.getFg()),
          c.getFgMasks().isEmpty() ? null : Path.of(c.getFgMasks()), s.maskFrom(),
          c.getMaxImagePixels() == 0 ? ImageFiles.DEFAULT_MAX_PIXELS : c.getMaxImagePixels(),
          s.onBadFile(), skipByKey != null ? skipByKey : FolderDataset.SKIP_FLAG);
    } catch (IllegalArgumentException e) {
      throw FgbgException.invalidConfig(s.who() + ": " + e.getMessage(), e);
    }
    // A missing weights file is named before the photos are decoded, with their problems.
    String depth = c.getDepthModel().isEmpty() || models == null ? null
        : models.fileProblem(c.getDepthModel(), c.getDepthWeights());
    return new Checked(c, s, FolderFiles.check(fd, depth == null ? List.of() : List.of(depth)));
  }

  /**
   * The dataset {@code k} checked: its photos decoded (or read prepared from {@code photos},
   * null for none), its depth model loaded.
   */
  static Dataset folder(Checked k, DepthModels models, Ticker ticker, PhotoStore photos) {
    FolderSettings s = k.settings();
    AssetSet assets = FolderAssets.load(k.files(), s.spec().width(), s.spec().height(),
        s.spec().softMask() ? 1 : s.spec().maskThreshold(), ticker, photos);
    FolderDatasetConfig c = k.config();
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

  /**
   * {@code c}'s settings; INVALID_CONFIG naming each setting at fault as {@code names} do, one
   * line each (a config file's or the flags' mistakes are all named by one refusal).
   */
  static FolderSettings settings(FolderDatasetConfig c, SettingNames names) {
    return settings(c, names, null);
  }

  /** As above, the dataset called {@code label} in messages when not null (its name was bad). */
  static FolderSettings settings(FolderDatasetConfig c, SettingNames names, String label) {
    String name = c.getName().isEmpty() ? "folder" : c.getName();
    List<String> problems = new ArrayList<>();
    if (!NAME.matcher(name).matches()) {
      problems.add("dataset name " + Quoted.of(name) + " must be 1-64 ASCII letters, digits, "
          + "'_', '.' or '-', starting with a letter or digit");
    }
    if (name.equals(BUILTIN)) {
      problems.add("dataset name 'builtin' is reserved for the built-in world");
    }
    String who = label == null ? who(name) : label;
    if (c.getBg().isEmpty() || c.getFg().isEmpty()) {
      problems.add(who + " needs both " + names.of("bg") + " and " + names.of("fg")
          + " folders");
    }
    Spec spec = SpecConfig.of(who, c, names, problems);
    long pixels = c.getMaxImagePixels(); // 0: not given
    if (pixels < 0 || pixels > ImageFiles.MAX_PIXELS_LIMIT) {
      // Here, not only when the folders are read: a config file's mistakes are named together.
      problems.add(who + ": " + names.of("max-image-pixels") + " " + pixels + " must be in [1, "
          + ImageFiles.MAX_PIXELS_LIMIT + "] (an image's RGBA copy must fit in one Java array)");
    }
    String problem = depthProblem(c.getDepthModel(), c.getDepthWeights(), c.getDepthMode(), names);
    if (problem == null && c.getPosition().equalsIgnoreCase("depth")
        && c.getDepthModel().isEmpty()) {
      // Photos carry no depth of their own: only a model can say where their floor is.
      problem = names.of("position") + " depth needs the backgrounds' depth: give a "
          + names.of("depth-model") + " (teacher or layered mode)";
    }
    if (problem != null) {
      problems.add(who + ": " + problem);
    }
    FolderDataset.MaskFrom maskFrom = switch (c.getMaskFrom().toLowerCase(Locale.ROOT)) {
      case "", "alpha" -> FolderDataset.MaskFrom.ALPHA;
      case "luminance" -> FolderDataset.MaskFrom.LUMINANCE;
      default -> {
        problems.add(who + ": " + names.of("mask-from") + " '" + c.getMaskFrom()
            + "' must be alpha or luminance");
        yield null;
      }
    };
    if (maskFrom == FolderDataset.MaskFrom.LUMINANCE && !c.getFgMasks().isEmpty()) {
      // Luminance masks come from the cut-outs' own pixels: a mask folder would go unread.
      problems.add(who + ": " + names.of("mask-from") + " luminance makes each mask from its "
          + "foreground's own pixels, so " + names.of("fg-masks") + " " + Quoted.of(c.getFgMasks())
          + " would be ignored; leave out one of them");
    }
    FolderDataset.OnBadFile onBadFile = switch (c.getOnBadFile().toLowerCase(Locale.ROOT)) {
      case "", "fail" -> FolderDataset.OnBadFile.FAIL;
      case "skip" -> FolderDataset.OnBadFile.SKIP;
      default -> {
        problems.add(who + ": " + names.of("on-bad-file") + " '" + c.getOnBadFile()
            + "' must be fail or skip");
        yield null;
      }
    };
    if (!problems.isEmpty()) {
      throw FgbgException.invalidConfig(String.join("\n", problems));
    }
    return new FolderSettings(name, spec, maskFrom, onBadFile);
  }

  /** How messages name a folder dataset. */
  private static String who(String name) {
    return "dataset " + Quoted.of(name);
  }

  /** What is wrong with the depth settings, or null. */
  static String depthProblem(String model, String weights, String mode,
      SettingNames names) {
    if (model.isEmpty() && (!weights.isEmpty() || !mode.isEmpty())) {
      // Only what was given is named: a setting left out is no part of the problem.
      return weights.isEmpty() ? names.of("depth-mode") + " needs " + names.of("depth-model")
          : mode.isEmpty() ? names.of("depth-weights") + " needs " + names.of("depth-model")
          : names.of("depth-weights") + " and " + names.of("depth-mode") + " need "
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

  /** "H" or "HxW". */
  static int[] size(String text) {
    return size("--size", text);
  }

  /** "H" or "HxW"; IllegalArgumentException naming {@code setting} otherwise. */
  static int[] size(String setting, String s) {
    return SpecConfig.size(setting, s);
  }
}
