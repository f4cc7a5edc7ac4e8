package dev.fgbg.core.export;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.sampling.Selection;

/**
 * One export: which samples, which outputs, which layout, where. Validated on construction,
 * naming the field at fault. Samples are written in the selection's (ascending) order: sample
 * position p of the export is dataset index {@code selection.indexAt(p)}.
 *
 * @param selection validated against the dataset; a random one drawn from {@code seed}
 * @param destination a folder relative to the export root
 */
public record ExportJob(Dataset dataset, long seed, Selection selection, Outputs outputs,
    ExportFormat format, String destination, boolean overwrite, int shardSize, int jpegQuality,
    boolean depthNpy) {

  public static final int DEFAULT_SHARD_SIZE = 1000;
  public static final int DEFAULT_JPEG_QUALITY = 95;
  public static final int MAX_SHARD_SIZE = 1_000_000;
  public static final int MAX_JPEG_QUALITY = 100;

  /** The export of indices [start, end), validated (the range is named when wrong). */
  public ExportJob(Dataset dataset, long seed, long start, long end, Outputs outputs,
      ExportFormat format, String destination, boolean overwrite, int shardSize,
      int jpegQuality, boolean depthNpy) {
    this(dataset, seed, Selection.range(dataset.size(), dataset.name(), start, end), outputs,
        format, destination, overwrite, shardSize, jpegQuality, depthNpy);
  }

  public ExportJob {
    if (selection.end() > dataset.size() || selection.isRandom() && selection.seed() != seed) {
      throw new IllegalArgumentException("selection " + selection + " is not one of dataset "
          + Quoted.of(dataset.name()) + " (" + dataset.size() + " samples) under seed " + seed);
    }
    if (shardSize < 1 || shardSize > MAX_SHARD_SIZE) {
      throw FgbgException.invalidArgument("shard_size " + shardSize + " must be in [1, "
          + MAX_SHARD_SIZE + "]");
    }
    if (jpegQuality < 1 || jpegQuality > MAX_JPEG_QUALITY) {
      throw FgbgException.invalidArgument("jpeg_quality " + jpegQuality + " must be in [1, "
          + MAX_JPEG_QUALITY + "]");
    }
    if (destination == null || destination.isBlank()) {
      throw FgbgException.invalidArgument(
          "destination is empty; give a folder under the export root");
    }
    if (!outputs.image() && !outputs.mask() && !outputs.depth() && !outputs.instances()) {
      throw FgbgException.invalidArgument(
          "outputs: an export needs image, mask, depth or instances");
    }
    if (depthNpy && !dataset.hasDepth()) {
      // As asking for the depth output is refused: a manifest must not record a depth option
      // of an export that holds no depth.
      throw FgbgException.failedPrecondition("dataset " + Quoted.of(dataset.name())
          + " has no depth (depth source: " + dataset.depthSource()
          + "); depth_npy (--depth-npy) writes"
          + " depth as .npy: leave it off, or serve the dataset with a depth model");
    }
    if (depthNpy && format != ExportFormat.WEBDATASET) {
      throw FgbgException.invalidArgument("depth_npy (--depth-npy) is for webdataset exports, "
          + "whose depth it writes as float16 .npy; a " + format.id() + " export writes depth "
          + (format == ExportFormat.NPY ? "as float16 .npy already" : "as 16-bit PNG (mm)")
          + ": leave it off");
    }
    if (format == ExportFormat.COCO && !outputs.image()) {
      throw FgbgException.invalidArgument("outputs: a coco export lists its images for its "
          + "annotations; add image to the outputs");
    }
  }

  /** Samples exported. */
  public long size() {
    return selection.size();
  }
}
