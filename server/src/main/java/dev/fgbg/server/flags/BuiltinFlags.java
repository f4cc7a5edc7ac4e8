package dev.fgbg.server.flags;

import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.v1.FolderDatasetConfig;
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

  /** The built-in world; it takes the depth and scene flags only when no folder dataset does. */
  public BuiltinConfig config(DepthFlags depth, SceneFlags scene, boolean folderGiven) {
    boolean model = !folderGiven;
    BuiltinConfig c = BuiltinConfig.parse(size, placements, counts, model ? depth.model() : "",
        model ? depth.weights : "", model ? depth.mode : "");
    return folderGiven ? c : c.withScene(scene.apply(FolderDatasetConfig.newBuilder()).build());
  }
}
