package dev.fgbg.spark;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthModels;
import dev.fgbg.core.depth.ModelPaths;
import dev.fgbg.v1.FolderDatasetConfig;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a JVM (the driver or an executor) builds the job's dataset: the config file's text (so
 * executors need no copy of it) and the dataset's name, or the built-in world's settings, and
 * the depth model. Asset and model paths are read where the dataset is built: a shared path, or
 * relative to the working directory where spark-submit's --archives and --files put them.
 */
record DatasetSource(String name, String configJson, String configOrigin, String builtinSize,
    int builtinPlacements, String builtinCounts, String depthModel, String depthWeights,
    String depthMode, String device) implements Serializable {

  private static final long serialVersionUID = 1L;

  DatasetSource {
    depthModel = depthModel == null ? "" : depthModel;
    depthWeights = depthWeights == null ? "" : depthWeights;
    depthMode = depthMode == null ? "" : depthMode;
  }

  boolean isBuiltin() {
    return name.equals(DatasetCatalog.BUILTIN);
  }

  /**
   * Builds the dataset, loading its depth model (if any) through {@code models}. A model path is
   * found as {@code serve} finds it ({@link ModelPaths}): where it is typed, else in the
   * repository's models/; a model shipped with --archives is in the working directory.
   */
  Dataset build(DepthModels models) {
    String model = ModelPaths.resolve(depthModel);
    if (isBuiltin()) {
      return DatasetCatalog.builtin(BuiltinConfig.parse(builtinSize, builtinPlacements,
          builtinCounts, model, depthWeights, depthMode), models);
    }
    if (configJson == null) {
      throw FgbgException.invalidConfig("dataset '" + name + "' needs --config FILE (the "
          + "datasets.json that defines it); without one only 'builtin' exists");
    }
    // The flags complete each entry as serve's do, so a job and a server agree on the dataset;
    // they are checked alone first, as serve's are: an entry's problem is then its own.
    String problem = DatasetCatalog.depthFlagsProblem(model, depthWeights, depthMode);
    if (problem != null) {
      throw FgbgException.invalidConfig(problem);
    }
    List<FolderDatasetConfig> all = DatasetCatalog.parseConfig(configJson, configOrigin,
        d -> DatasetCatalog.withDepthFlags(d, model, depthWeights, depthMode));
    FolderDatasetConfig c = all.stream().filter(d -> d.getName().equals(name)).findFirst()
        .orElseThrow(() -> FgbgException.invalidConfig("dataset '" + name + "' is not in "
            + configOrigin + "; it defines " + all.stream().map(FolderDatasetConfig::getName)
            .toList() + " (and 'builtin' always exists)"));
    try {
      return DatasetCatalog.configFolder(c, models);
    } catch (FgbgException e) {
      String hint = folderHint(c);
      if (hint == null) {
        throw e;
      }
      // A list of problems (one a line) gets it as a line of its own.
      String m = e.getMessage();
      throw new FgbgException(e.reason(), m + (m.contains("\n") ? "\n  " : " ") + hint, e);
    }
  }

  /**
   * Why a relative folder of {@code c} may be missing: it is not in the working folder (Spark's
   * rule, for --archives) but is in the config file's (serve's rule); null when none is so.
   */
  private String folderHint(FolderDatasetConfig c) {
    try {
      Path home = Path.of(configOrigin).toAbsolutePath().getParent();
      List<String> there = new ArrayList<>();
      for (String f : List.of(c.getBg(), c.getFg(), c.getFgMasks())) {
        Path p = Path.of(f);
        if (!f.isEmpty() && !p.isAbsolute() && !Files.isDirectory(p)
            && Files.isDirectory(home.resolve(p))) {
          there.add(p + "/");
        }
      }
      return there.isEmpty() ? null : "(under Spark a config file's relative folders are the "
          + "working folder's; the file's folder has " + String.join(" and ", there)
          + ": give absolute paths, or run from " + home + ")";
    } catch (InvalidPathException e) {
      return null; // a path this JVM cannot make: the refusal names it already
    }
  }
}
