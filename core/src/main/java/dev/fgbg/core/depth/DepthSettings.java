package dev.fgbg.core.depth;

import java.nio.file.Path;

/**
 * How depth models run and cache: on which device, with how many threads, with how large a
 * memory tier, and where (and how large) the disk tier is.
 *
 * @param cacheDir the disk tier's folder, or null for none
 * @param depthStore a read-only depth store (the Spark depth job's output), or null for none
 */
public record DepthSettings(OnnxDepthModel.Device device, int threads, long memoryBytes,
    Path cacheDir, long diskBytes, Path depthStore) {

  /** Without a depth store. */
  public DepthSettings(OnnxDepthModel.Device device, int threads, long memoryBytes,
      Path cacheDir, long diskBytes) {
    this(device, threads, memoryBytes, cacheDir, diskBytes, null);
  }

  public DepthSettings {
    if (device == null) {
      throw new IllegalArgumentException("device must be set (auto, cpu or cuda)");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (memoryBytes < 0) {
      throw new IllegalArgumentException("memoryBytes must not be negative, got " + memoryBytes);
    }
    if (diskBytes < 0) {
      throw new IllegalArgumentException("diskBytes must not be negative, got " + diskBytes);
    }
  }
}
