package dev.fgbg.core.dataset;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Depth computed from each composite by a model ("teacher" mode). The renderer asks for
 * all samples of a chunk at once, so that requests can be batched.
 */
public interface TeacherDepth {
  /** Model and weights identity; part of the dataset's fingerprint. */
  String id();

  /** What the values mean. */
  String units();

  /**
   * The depth map (H×W) of sample {@code index}, whose image is at {@code offset}; the image is
   * read (copied) only when the map must be computed. The future is this caller's own: the
   * renderer cancels it when its piece is dropped (a cancelled call), which tells the model
   * that this caller no longer waits, and must not fail another caller of the same sample.
   */
  CompletableFuture<DepthMap> depth(Dataset dataset, long seed, long index, byte[] image,
      int offset);

  /**
   * The model's depth of background {@code bg} of {@code dataset} alone (its pixels at the
   * output size), computed once per background and cached as a composite's is.
   */
  CompletableFuture<DepthMap> backgroundDepth(Dataset dataset, int bg);

  /**
   * How many of {@code dataset}'s maps (every seed) a disk cache holds already, or empty
   * without one: for the dataset's start-up line.
   */
  default OptionalLong mapsOnDisk(Dataset dataset) {
    return OptionalLong.empty();
  }

  /** The disk cache's limit in bytes, or empty without one: for the dataset's start-up line. */
  default OptionalLong diskLimit() {
    return OptionalLong.empty();
  }

  /**
   * How many of {@code dataset}'s maps (every seed) a read-only depth store holds, or empty
   * without one: for the dataset's start-up line.
   */
  default OptionalLong mapsInStore(Dataset dataset) {
    return OptionalLong.empty();
  }
}
