package dev.fgbg.server.flags;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.assets.ImageFiles;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.v1.FolderDatasetConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The folder dataset given by flags, and the config file with more of them. */
public final class FolderFlags {
  @Option(names = "--bg", description = "Folder of background images (sub-folders are labels).")
  String bg = "";

  @Option(names = "--fg", description = "Folder of foreground images with alpha.")
  String fg = "";

  @Option(names = "--fg-masks", description = "Folder of foreground masks, same file names "
      + "(or the same name with another image extension).")
  String fgMasks = "";

  @Option(names = "--mask-from", description = "alpha (default) or luminance: bright = opaque, "
      + "for a light object on a dark ground (a white digit on black), not one on white.")
  String maskFrom = "";

  @Option(names = "--name", description = "Name of the folder dataset. Default: folder.")
  String name = "";

  @Option(names = "--size", description = "Output size H or HxW. Default: 224.")
  String size = "";

  @Option(names = "--fg-scale", description = "Foreground height range MIN:MAX, as fractions of "
      + "the output height. Default: 0.3:0.6.")
  String fgScale = "";

  @Option(names = "--placements", description = "Placements per (bg, fg, flip). Default: 20.")
  Integer placements;

  @Option(names = "--no-flip", description = "Do not add horizontally flipped foregrounds.")
  boolean noFlip;

  @Option(names = "--position", description = "random (default), fixed (bottom-right), "
      + "ground (the foot row in the --ground-band, so things stand on the floor) or depth (on "
      + "floor-like surfaces of the backgrounds' depth, sized by it: photos need --depth-model, "
      + "the built-in world has depth of its own).")
  String position = "";

  @Option(names = "--ground-band", description = "With --position ground: the rows a "
      + "foreground's foot may stand on, MIN:MAX as fractions of the height (0 top, 1 bottom). "
      + "Default: 0.7:1.")
  String groundBand = "";

  @Option(names = "--max-image-pixels", description = "Refuse images with more pixels than "
      + "this (read from the file's header, before decoding), for every folder dataset that "
      + "sets none. Default: 64000000.")
  Long maxImagePixels;

  @Option(names = "--on-bad-file", description = "fail (default: a bad image stops start-up, "
      + "naming every bad file) or skip (bad images, and cut-outs whose mask is bad, are left "
      + "out with one warning listing them), for every folder dataset that sets none.")
  String onBadFile;

  @Option(names = "--mask-threshold", description = "Alpha at or above which the mask is 255. "
      + "Default: 128.")
  Integer maskThreshold;

  @Option(names = "--soft-mask", description = "Serve alpha as the mask instead of {0, 255}.")
  boolean softMask;

  @Option(names = "--config", description = "JSON file with several folder datasets "
      + "({\"datasets\": [{\"name\": …, \"bg\": …, \"fg\": …}]}); fields mirror these flags.")
  Path config;

  /** Whether --bg or --fg was given. */
  public boolean given() {
    return !bg.isEmpty() || !fg.isEmpty();
  }

  /** Whether any folder dataset is given, by --bg/--fg or by --config. */
  public boolean anyGiven() {
    return given() || config != null;
  }

  /**
   * The spec flags a dataset of either kind takes — placement (position, ground band, scale,
   * flip), masks (threshold, soft) and the scene — as flag-style fields: the flag dataset's,
   * else the built-in one's.
   */
  public FolderDatasetConfig specFields(SceneFlags scene) {
    FolderDatasetConfig.Builder c = FolderDatasetConfig.newBuilder().setFgScale(fgScale)
        .setPosition(position).setGroundBand(groundBand);
    if (noFlip) {
      c.setFlip(false);
    }
    if (maskThreshold != null) {
      c.setMaskThreshold(maskThreshold);
    }
    if (softMask) {
      c.setSoftMask(true);
    }
    if (!given()) {
      // The built-in world has flags of its own for these, and no files to name or mask.
      folderOnly("--size", !size.isEmpty(), "--builtin-size");
      folderOnly("--placements", placements != null, "--builtin-placements");
      folderOnly("--name", !name.isEmpty(), null);
      folderOnly("--fg-masks", !fgMasks.isEmpty(), null);
      folderOnly("--mask-from", !maskFrom.isEmpty(), null);
    }
    return scene.apply(c).build();
  }

  /** Refuses {@code flag}, given without a folder dataset, naming the built-in's own if any. */
  private static void folderOnly(String flag, boolean given, String builtinFlag) {
    if (given) {
      throw FgbgException.invalidConfig(flag + " is a setting of the folder dataset of --bg and "
          + "--fg, which were not given" + (builtinFlag == null ? ""
              : "; the built-in dataset takes " + builtinFlag));
    }
  }

  /** Config file entry {@code d} completed by the depth flags (the one rule, the catalog's). */
  private static FolderDatasetConfig withDepthFlags(FolderDatasetConfig d, DepthFlags depth) {
    return DatasetCatalog.withDepthFlags(d, depth.model(), depth.weights, depth.mode);
  }

  /**
   * The config file's datasets that set their own on_bad_file (the others take --on-bad-file),
   * each to its entry as the file spells it: a skipping load's warning quotes that, not the flag.
   */
  public Map<String, String> skipByKey(DepthFlags depth) {
    if (config == null) {
      return Map.of();
    }
    return DatasetCatalog.onBadFileEntries(config, d -> withDepthFlags(d, depth));
  }

  /**
   * The flag dataset (when given, with the depth and scene flags) and then the config file's,
   * each taking those flags for what its entry leaves out: the depth flags' model when it names
   * none ({@link #withDepthFlags}), each other flag when it has no field of that name.
   */
  public List<FolderDatasetConfig> datasets(DepthFlags depth, SceneFlags scene) {
    List<FolderDatasetConfig> out = new ArrayList<>();
    FolderDatasetConfig flags = specFields(scene);
    if (given()) {
      FolderDatasetConfig.Builder c = flags.toBuilder().setName(name).setBg(bg)
          .setFg(fg).setFgMasks(fgMasks).setMaskFrom(maskFrom).setSize(size)
          .setDepthModel(depth.model()).setDepthWeights(depth.weights).setDepthMode(depth.mode);
      if (placements != null) {
        c.setPlacements(placements);
      }
      out.add(c.build());
    }
    if (config != null) {
      // The depth flags are checked alone first: an entry's problem is then its own.
      String problem = DatasetCatalog.depthFlagsProblem(depth.model(), depth.weights, depth.mode);
      if (problem != null) {
        throw FgbgException.invalidConfig(problem);
      }
      int i = 0;
      for (FolderDatasetConfig d : DatasetCatalog.readConfigFile(config,
          e -> withDepthFlags(e, depth))) {
        i++;
        // Said before any folder is read, as the file's own names used twice are.
        String served = d.getName().isEmpty() ? "folder" : d.getName();
        if (given() && served.equals(name.isEmpty() ? "folder" : name)) {
          throw FgbgException.invalidConfig("config file " + config + ": dataset name '"
              + served + "' of dataset #" + i + " is the --bg/--fg dataset's too; give "
              + (name.isEmpty() ? "that one a --name" : "one of them another name")
              + (d.getName().isEmpty() ? " (an entry without \"name\" is called 'folder')"
                  : ""));
        }
        // The entry's own fields win: protobuf's merge sets only what the entry has.
        out.add(flags.toBuilder().mergeFrom(d).build());
      }
    }
    if (onBadFile != null) {
      out = out.stream().map(d -> !d.getOnBadFile().isEmpty() ? d
          : d.toBuilder().setOnBadFile(onBadFile).build()).toList();
    }
    if (maxImagePixels == null) {
      return out;
    }
    if (maxImagePixels < 1 || maxImagePixels > ImageFiles.MAX_PIXELS_LIMIT) {
      throw FgbgException.invalidConfig("--max-image-pixels " + maxImagePixels
          + " must be in [1, " + ImageFiles.MAX_PIXELS_LIMIT + "]");
    }
    return out.stream().map(d -> d.getMaxImagePixels() != 0 ? d
        : d.toBuilder().setMaxImagePixels(maxImagePixels).build()).toList();
  }
}
