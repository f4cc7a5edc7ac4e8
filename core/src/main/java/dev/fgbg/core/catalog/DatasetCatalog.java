package dev.fgbg.core.catalog;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.InWords;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.assets.FolderDataset;
import dev.fgbg.core.assets.PhotoStore;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthModels;
import dev.fgbg.core.depth.ModelPaths;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.v1.FolderDatasetConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds the datasets a process serves or exports from their configurations: the built-in
 * world and any number of folder datasets (from flags or a JSON config file). Every bad setting
 * or file is an INVALID_CONFIG naming it.
 */
public final class DatasetCatalog {
  public static final String BUILTIN = DatasetFactory.BUILTIN;

  private DatasetCatalog() {}

  /**
   * {@code builtin} first, then the folder datasets in order. Every folder dataset is checked
   * even when an earlier one is bad, so one failure names the problems of all of them; what
   * shows without decoding a photo ({@link DatasetFactory#check}) is checked for all of them
   * first, and a problem found so stops the start-up before any decoding.
   */
  public static List<Dataset> build(BuiltinConfig builtin, List<FolderDatasetConfig> folders,
      DepthModels models) {
    return build(builtin, folders, Map.of(), models);
  }

  /**
   * As above; {@code skipByKey} maps the datasets whose on_bad_file is their config file entry's
   * own to that entry as the file spells it, which a skipping load's warning quotes instead of
   * the --on-bad-file flag.
   */
  public static List<Dataset> build(BuiltinConfig builtin, List<FolderDatasetConfig> folders,
      Map<String, String> skipByKey, DepthModels models) {
    return build(builtin, folders, skipByKey, models, Ticker.systemTicker());
  }

  /** As above, timing the progress lines of a long decoding of photos by {@code ticker}. */
  public static List<Dataset> build(BuiltinConfig builtin, List<FolderDatasetConfig> folders,
      Map<String, String> skipByKey, DepthModels models, Ticker ticker) {
    return build(builtin, folders, skipByKey, models, ticker, null);
  }

  /**
   * As above, the folder datasets' photos read prepared from {@code photos} when it holds them
   * and kept there when decoded (null: every photo decoded).
   */
  public static List<Dataset> build(BuiltinConfig builtin, List<FolderDatasetConfig> folders,
      Map<String, String> skipByKey, DepthModels models, Ticker ticker, PhotoStore photos) {
    List<Dataset> out = new ArrayList<>();
    out.add(builtin(builtin, models));
    List<String> problems = new ArrayList<>();
    // Every dataset's quick checks before any photo is decoded: no mistake found in
    // milliseconds waits for minutes of another dataset's decoding.
    List<DatasetFactory.Checked> checked = new ArrayList<>();
    for (FolderDatasetConfig c : folders) {
      invalidConfig(problems, () -> checked.add(DatasetFactory.check(c, models,
          skipByKey.get(c.getName()))));
    }
    throwIfAny(problems);
    for (DatasetFactory.Checked k : checked) {
      invalidConfig(problems, () -> out.add(DatasetFactory.folder(k, models, ticker,
          photos)));
    }
    throwIfAny(problems);
    return out;
  }

  /** Runs {@code step}, adding the message of its INVALID_CONFIG to {@code problems}. */
  private static void invalidConfig(List<String> problems, Runnable step) {
    try {
      step.run();
    } catch (FgbgException e) {
      if (e.reason() != FgbgException.Reason.INVALID_CONFIG) {
        throw e;
      }
      problems.add(e.getMessage());
    }
  }

  private static void throwIfAny(List<String> problems) {
    if (!problems.isEmpty()) {
      throw FgbgException.invalidConfig(String.join("\n", problems));
    }
  }

  /** The built-in world, with a model's depth when the config names one. */
  public static Dataset builtin(BuiltinConfig b, DepthModels models) {
    Spec spec = b.spec();
    if (b.depthModel().isEmpty()) {
      return DatasetFactory.builtin(spec, b.backgrounds(), b.foregrounds());
    }
    return DatasetFactory.builtinWithModel(spec, b.backgrounds(), b.foregrounds(), b.depthModel(),
        b.depthWeights(), b.depthMode(), models);
  }

  /** One folder dataset; {@code models} may be null when it names no depth model. */
  public static Dataset folder(FolderDatasetConfig c, DepthModels models) {
    return DatasetFactory.folder(c, models);
  }

  /** One entry of a config file: a skipping load's warning names its on_bad_file key. */
  public static Dataset configFolder(FolderDatasetConfig c, DepthModels models) {
    return DatasetFactory.folder(c, models, FolderDataset.SKIP_KEY);
  }

  /**
   * The folder datasets of a JSON config file ({@code {"datasets": [...]}}), each entry
   * completed by {@code fill} (the flags, for what the entry leaves out) before its settings are
   * checked: a problem is one of the dataset as it would be served. Its relative folder paths
   * are the file's: resolved against the folder it is in, not the working folder.
   */
  public static List<FolderDatasetConfig> readConfigFile(Path file,
      UnaryOperator<FolderDatasetConfig> fill) {
    Path folder = file.toAbsolutePath().getParent();
    return ConfigFile.parse(readConfigText(file), file.toString(),
        c -> fill.apply(relativeTo(folder, c)));
  }

  /** {@code c} with its relative bg, fg and fgMasks resolved against {@code folder}. */
  static FolderDatasetConfig relativeTo(Path folder, FolderDatasetConfig c) {
    FolderDatasetConfig.Builder b = c.toBuilder();
    b.setBg(resolved(folder, c.getBg())).setFg(resolved(folder, c.getFg()));
    return b.setFgMasks(resolved(folder, c.getFgMasks())).build();
  }

  private static String resolved(Path folder, String path) {
    try {
      // Empty stays empty (not given); "~" is the shell's, not a path: neither is resolved.
      return path.isEmpty() || path.startsWith("~") ? path
          : folder.resolve(path).normalize().toString();
    } catch (InvalidPathException e) {
      return path; // named by the folder check as the file gives it
    }
  }

  /**
   * The text of config file {@code file}; INVALID_CONFIG naming it and what went wrong in words
   * otherwise (the server's and the Spark jobs' one wording).
   */
  public static String readConfigText(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw FgbgException.invalidConfig("cannot read config file " + file + ": "
          + InWords.of(e), e);
    }
  }

  /**
   * The folder datasets of config text read from {@code origin}, their settings checked:
   * INVALID_CONFIG naming the origin, the dataset and the key at fault otherwise.
   */
  public static List<FolderDatasetConfig> parseConfig(String json, String origin) {
    return parseConfig(json, origin, UnaryOperator.identity());
  }

  /** As {@link #parseConfig(String, String)}, each entry completed by {@code fill} first. */
  public static List<FolderDatasetConfig> parseConfig(String json, String origin,
      UnaryOperator<FolderDatasetConfig> fill) {
    return ConfigFile.parse(json, origin, fill);
  }

  /**
   * Config entry {@code d} completed by the depth flags, before its settings are checked: the
   * one rule of {@code serve} and the Spark jobs, so that both make an entry the same dataset
   * (and fingerprint). An entry naming a model keeps its own settings (the model found as
   * {@link ModelPaths} finds it); one naming none takes {@code model}, and {@code weights} and
   * {@code mode} where it gives none of its own (its "depthMode" wins).
   */
  public static FolderDatasetConfig withDepthFlags(FolderDatasetConfig d, String model,
      String weights, String mode) {
    FolderDatasetConfig.Builder c = d.toBuilder();
    if (!d.getDepthModel().isEmpty()) {
      return c.setDepthModel(ModelPaths.resolve(d.getDepthModel())).build();
    }
    c.setDepthModel(model);
    if (d.getDepthWeights().isEmpty()) {
      c.setDepthWeights(weights);
    }
    if (d.getDepthMode().isEmpty()) {
      c.setDepthMode(mode);
    }
    return c.build();
  }

  /**
   * The datasets of a config file that set on_bad_file, each to its entry as the file spells
   * it ({@code "onBadFile": "skip"}); the file is read by {@link #readConfigFile} first, its
   * entries completed by {@code fill}.
   */
  public static Map<String, String> onBadFileEntries(Path file,
      UnaryOperator<FolderDatasetConfig> fill) {
    readConfigFile(file, fill);
    try {
      return ConfigFile.onBadFileEntries(Files.readString(file));
    } catch (IOException e) {
      throw FgbgException.invalidConfig("cannot read config file " + file + ": "
          + InWords.of(e), e);
    }
  }

  /**
   * What is wrong with the depth flags by themselves (a --depth-mode without --depth-model), or
   * null: named as flags before they fill in a config file's entries.
   */
  public static String depthFlagsProblem(String model, String weights, String mode) {
    return DatasetFactory.depthProblem(model, weights, mode, SettingNames.FLAGS);
  }

  /** "H" or "HxW" as {height, width}; IllegalArgumentException naming the text otherwise. */
  public static int[] size(String text) {
    return DatasetFactory.size(text);
  }
}
