package dev.fgbg.core.catalog;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.spec.SceneSpec;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.v1.FolderDatasetConfig;

/**
 * The built-in dataset: its output size, placements, how many of the 100 backgrounds and 100
 * foregrounds it uses, and optionally a depth model that replaces its exact depth.
 *
 * @param depthModel a models/NAME folder, or "" for the world's exact depth
 * @param depthWeights model.onnx elsewhere, or ""
 * @param depthMode "teacher" (default), "layered" or ""
 * @param fields the spec's other settings as a folder dataset's flag-style fields — placement
 *     (position, ground band, foreground scale, flip), masks (threshold, soft) and the scene —
 *     read by the one rule of {@code SpecConfig.of}; none by default (classic composites)
 */
public record BuiltinConfig(int height, int width, int placements, int backgrounds,
    int foregrounds, String depthModel, String depthWeights, String depthMode,
    FolderDatasetConfig fields) {
  private static final String WHO = "built-in dataset";

  public static final int MAX_ASSETS = 100;

  /** A built-in dataset of classic composites. */
  public BuiltinConfig(int height, int width, int placements, int backgrounds, int foregrounds,
      String depthModel, String depthWeights, String depthMode) {
    this(height, width, placements, backgrounds, foregrounds, depthModel, depthWeights,
        depthMode, FolderDatasetConfig.getDefaultInstance());
  }

  public BuiltinConfig {
    if (backgrounds < 1 || backgrounds > MAX_ASSETS || foregrounds < 1
        || foregrounds > MAX_ASSETS) {
      throw FgbgException.invalidConfig("--builtin-counts '" + backgrounds + ":" + foregrounds
          + "' must be B:F with each in [1, " + MAX_ASSETS + "]");
    }
    depthModel = depthModel == null ? "" : depthModel;
    depthWeights = depthWeights == null ? "" : depthWeights;
    depthMode = depthMode == null ? "" : depthMode;
    fields = fields == null ? FolderDatasetConfig.getDefaultInstance() : fields;
    String problem = DatasetFactory.depthProblem(depthModel, depthWeights, depthMode,
        SettingNames.BUILTIN_FLAGS);
    if (problem != null) {
      throw FgbgException.invalidConfig(WHO + ": " + problem);
    }
  }

  /** The spec: the size and placements, and the {@link #fields}. */
  public Spec spec() {
    return SpecConfig.of(WHO, fields.toBuilder().setSize(height + "x" + width)
        .setPlacements(placements).build(), SettingNames.BUILTIN_FLAGS);
  }

  /** The scene the fields make ({@link SceneSpec#CLASSIC} without any). */
  public SceneSpec scene() {
    return spec().scene();
  }

  /**
   * This config with {@code fields} (flag-style text, as a folder dataset's: placement, masks,
   * scene), checked: INVALID_CONFIG naming the flag otherwise.
   */
  public BuiltinConfig withFields(FolderDatasetConfig fields) {
    BuiltinConfig c = new BuiltinConfig(height, width, placements, backgrounds, foregrounds,
        depthModel, depthWeights, depthMode, fields);
    c.spec();
    return c;
  }

  /**
   * From flag-style text: {@code size} "H" or "HxW", {@code counts} "B:F"; INVALID_CONFIG
   * naming the flag otherwise.
   */
  public static BuiltinConfig parse(String size, int placements, String counts,
      String depthModel, String depthWeights, String depthMode) {
    int[] hw;
    try {
      hw = DatasetFactory.size("--builtin-size", size);
    } catch (IllegalArgumentException e) {
      throw FgbgException.invalidConfig("built-in dataset: " + e.getMessage(), e);
    }
    String[] bf = counts.split(":");
    int bgs = -1;
    int fgs = -1;
    try {
      if (bf.length == 2) {
        bgs = Integer.parseInt(bf[0].trim());
        fgs = Integer.parseInt(bf[1].trim());
      }
    } catch (NumberFormatException e) {
      bgs = -1;
    }
    if (bgs < 0 || fgs < 0) {
      throw FgbgException.invalidConfig("--builtin-counts '" + counts
          + "' must be B:F with each in [1, " + MAX_ASSETS + "]");
    }
    return new BuiltinConfig(hw[0], hw[1], placements, bgs, fgs, depthModel, depthWeights,
        depthMode);
  }

  /** The default world: 224×224, 20 placements, 100 × 100, exact depth. */
  public static BuiltinConfig standard() {
    return new BuiltinConfig(224, 224, 20, MAX_ASSETS, MAX_ASSETS, "", "", "");
  }
}
