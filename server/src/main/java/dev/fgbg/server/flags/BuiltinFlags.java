package dev.fgbg.server.flags;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.catalog.DatasetCatalog;
import picocli.CommandLine.Option;

/** The built-in dataset's flags. */
public final class BuiltinFlags {
  @Option(names = "--builtin-size", description = "Output size of the built-in dataset. Default: 224.")
  String size = "224";

  @Option(names = "--builtin-placements", description = "Placements of the built-in dataset. "
      + "Default: 20.")
  int placements = 20;

  @Option(names = "--builtin-counts", description = "Backgrounds:foregrounds of the built-in "
      + "dataset (at most 100:100). Default: 100:100.")
  String counts = "100:100";

  /** The built-in world; it takes the depth flags only when no folder dataset does. */
  public BuiltinConfig config(DepthFlags depth, boolean folderGiven) {
    int[] hw;
    try {
      hw = DatasetCatalog.size(size);
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
          + "' must be B:F with each in [1, " + BuiltinConfig.MAX_ASSETS + "]");
    }
    boolean model = !folderGiven;
    return new BuiltinConfig(hw[0], hw[1], placements, bgs, fgs, model ? depth.model() : "",
        model ? depth.weights : "", model ? depth.mode : "");
  }
}
