package dev.fgbg.core.catalog;

import dev.fgbg.core.FgbgException;

/**
 * The built-in dataset: its output size, placements, how many of the 100 backgrounds and 100
 * foregrounds it uses, and optionally a depth model that replaces its exact depth.
 *
 * @param depthModel a models/NAME folder, or "" for the world's exact depth
 * @param depthWeights model.onnx elsewhere, or ""
 * @param depthMode "teacher" (default), "layered" or ""
 */
public record BuiltinConfig(int height, int width, int placements, int backgrounds,
    int foregrounds, String depthModel, String depthWeights, String depthMode) {
  public static final int MAX_ASSETS = 100;

  public BuiltinConfig {
    if (backgrounds < 1 || backgrounds > MAX_ASSETS || foregrounds < 1
        || foregrounds > MAX_ASSETS) {
      throw FgbgException.invalidConfig("--builtin-counts '" + backgrounds + ":" + foregrounds
          + "' must be B:F with each in [1, " + MAX_ASSETS + "]");
    }
    depthModel = depthModel == null ? "" : depthModel;
    depthWeights = depthWeights == null ? "" : depthWeights;
    depthMode = depthMode == null ? "" : depthMode;
  }

  /** The default world: 224×224, 20 placements, 100 × 100, exact depth. */
  public static BuiltinConfig standard() {
    return new BuiltinConfig(224, 224, 20, MAX_ASSETS, MAX_ASSETS, "", "", "");
  }
}
