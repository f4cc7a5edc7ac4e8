package dev.fgbg.server.flags;

import dev.fgbg.core.catalog.BuiltinConfig;
import picocli.CommandLine.Option;

/** The built-in dataset's flags. */
public final class BuiltinFlags {
  @Option(names = "--builtin-size", description = "Output size of the built-in dataset. "
      + "Default: 224.")
  String size = "224";

  @Option(names = "--builtin-placements", description = "Placements of the built-in dataset. "
      + "Default: 20.")
  int placements = 20;

  @Option(names = "--builtin-counts", description = "Backgrounds:foregrounds of the built-in "
      + "dataset (at most 100:100). Default: 100:100.")
  String counts = "100:100";

  /**
   * The built-in world; it takes the depth, placement, mask and scene flags only when no
   * folder dataset (by --bg/--fg or --config) does.
   */
  public BuiltinConfig config(DepthFlags depth, SceneFlags scene, FolderFlags folder) {
    boolean mine = !folder.anyGiven();
    BuiltinConfig c = BuiltinConfig.parse(size, placements, counts, mine ? depth.model() : "",
        mine ? depth.weights : "", mine ? depth.mode : "");
    return mine ? c.withFields(folder.specFields(scene)) : c;
  }
}
