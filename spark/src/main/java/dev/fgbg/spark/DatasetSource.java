package dev.fgbg.spark;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthModels;
import dev.fgbg.core.depth.ModelPaths;
import dev.fgbg.v1.FolderDatasetConfig;
import java.io.Serializable;
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
    return DatasetCatalog.configFolder(c, models);
  }
}
