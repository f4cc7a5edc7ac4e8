package dev.fgbg.core.depth;

import java.nio.file.Path;

/**
 * How depth models run and cache: on which device, with how many threads in how many sessions,
 * with how large a memory tier, and where (and how large) the disk tier is.
 *
 * @param cacheDir the disk tier's folder, or null for none
 * @param diskBytes the disk tier's limit, or {@link DiskLimit#DEFAULT}: bounded by free space
 * @param depthStore a read-only depth store (the Spark depth job's output), or null for none
 * @param sessions sessions of each model sharing the threads, or
 *     {@link OnnxDepthModel#AUTO_SESSIONS}
 */
public record DepthSettings(OnnxDepthModel.Device device, int threads, long memoryBytes,
    Path cacheDir, long diskBytes, Path depthStore, int sessions) {

  /** Without a depth store, the sessions chosen by the model. */
  public DepthSettings(OnnxDepthModel.Device device, int threads, long memoryBytes,
      Path cacheDir, long diskBytes) {
    this(device, threads, memoryBytes, cacheDir, diskBytes, null);
  }

  /** The sessions chosen by the model ({@link OnnxDepthModel#AUTO_SESSIONS}). */
  public DepthSettings(OnnxDepthModel.Device device, int threads, long memoryBytes,
      Path cacheDir, long diskBytes, Path depthStore) {
    this(device, threads, memoryBytes, cacheDir, diskBytes, depthStore,
        OnnxDepthModel.AUTO_SESSIONS);
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
    if (sessions < 0) {
      throw new IllegalArgumentException("sessions must be 0 (auto) or more, got " + sessions);
    }
    if (diskBytes < 0 && diskBytes != DiskLimit.DEFAULT) {
      throw new IllegalArgumentException("diskBytes must not be negative (but DiskLimit.DEFAULT)"
          + ", got " + diskBytes);
    }
  }
}
