package dev.fgbg.core.depth;

import java.util.List;

/** A depth estimator over RGB images; implementations must be safe for one caller at a time. */
public interface DepthModel extends AutoCloseable {
  /** An RGB image: w×h×3 bytes at {@code offset} of {@code rgb}. */
  record Image(byte[] rgb, int offset, int width, int height) {}

  /** Depth maps (outH×outW, post-processed) for the images, in order. */
  float[][] infer(List<Image> images, int outH, int outW);

  /** Identifies model and weights, for fingerprints and cache keys. */
  String id();

  /** The model's name, for messages. */
  default String name() {
    return id();
  }

  /** What the values mean, e.g. "metres". */
  String units();

  int maxBatch();

  @Override
  void close();
}
