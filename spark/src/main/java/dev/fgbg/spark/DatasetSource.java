package dev.fgbg.spark;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthModels;
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

  /** Builds the dataset, loading its depth model (if any) through {@code models}. */
  Dataset build(DepthModels models) {
    if (isBuiltin()) {
      return DatasetCatalog.builtin(BuiltinConfig.parse(builtinSize, builtinPlacements,
          builtinCounts, depthModel, depthWeights, depthMode), models);
    }
    if (configJson == null) {
      throw FgbgException.invalidConfig("dataset '" + name + "' needs --config FILE (the "
          + "datasets.json that defines it); without one only 'builtin' exists");
    }
    List<FolderDatasetConfig> all = DatasetCatalog.parseConfig(configJson, configOrigin);
    FolderDatasetConfig c = all.stream().filter(d -> d.getName().equals(name)).findFirst()
        .orElseThrow(() -> FgbgException.invalidConfig("dataset '" + name + "' is not in "
            + configOrigin + "; it defines " + all.stream().map(FolderDatasetConfig::getName)
            .toList() + " (and 'builtin' always exists)"));
    if (!depthModel.isEmpty()) {
      c = c.toBuilder().setDepthModel(depthModel).setDepthWeights(depthWeights)
          .setDepthMode(depthMode).build();
    }
    return DatasetCatalog.folder(c, models);
  }
}
