package dev.fgbg.core.export;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;

/**
 * One export: which samples, which outputs, which layout, where. Validated on construction,
 * naming the field at fault.
 *
 * @param end exclusive
 * @param destination a folder relative to the export root
 */
public record ExportJob(Dataset dataset, long seed, long start, long end, Outputs outputs,
    ExportFormat format, String destination, boolean overwrite, int shardSize, int jpegQuality,
    boolean depthNpy) {

  public static final int DEFAULT_SHARD_SIZE = 1000;
  public static final int DEFAULT_JPEG_QUALITY = 95;

  public ExportJob {
    if (start < 0 || start >= dataset.size()) {
      throw FgbgException.invalidArgument("range start " + start + " must be in [0, "
          + dataset.size() + ") for dataset '" + dataset.name() + "'");
    }
    if (end > dataset.size()) {
      throw FgbgException.invalidArgument("range end " + end + " is past the end of dataset '"
          + dataset.name() + "' (" + dataset.size() + " samples)");
    }
    if (end <= start) {
      throw FgbgException.invalidArgument("range " + start + ":" + end + " is empty");
    }
    if (shardSize < 1 || shardSize > 1_000_000) {
      throw FgbgException.invalidArgument("shard_size " + shardSize + " must be in [1, 1000000]");
    }
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw FgbgException.invalidArgument("jpeg_quality " + jpegQuality + " must be in [1, 100]");
    }
    if (destination == null || destination.isBlank()) {
      throw FgbgException.invalidArgument("destination is empty; give a folder under the export root");
    }
    if (!outputs.image() && !outputs.mask() && !outputs.depth()) {
      throw FgbgException.invalidArgument("outputs: an export needs image, mask or depth");
    }
  }

  public long size() {
    return end - start;
  }
}
