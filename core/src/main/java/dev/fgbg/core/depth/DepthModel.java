package dev.fgbg.core.depth;

import dev.fgbg.core.dataset.DepthMap;
import java.util.ArrayList;
import java.util.List;

/**
 * A depth estimator over RGB images. A batch goes through three steps that may run on three
 * threads, one after the other: {@link #prepare} (fill the input), {@link Batch#run} (the model),
 * {@link Batch#map}/{@link Batch#rounded} (read the output), so that a batcher can fill the next
 * batch and read the last one while the model runs. Only {@code run} needs the model; at most
 * {@link #parallelRuns} run at once.
 */
public interface DepthModel extends AutoCloseable {
  /** An RGB image: w×h×3 bytes at {@code offset} of {@code rgb}. */
  record Image(byte[] rgb, int offset, int width, int height) {}

  /** One image of a batch and the size its depth map is wanted at. */
  record Job(Image image, int outH, int outW) {}

  /** A batch on its way through the model; closing it gives back what it holds. */
  interface Batch extends AutoCloseable {
    /** Runs the model over the batch; at most {@link #parallelRuns} batches run at once. */
    void run();

    /** Job {@code i}'s depth map (outH×outW, post-processed), once {@link #run} returned. */
    float[] map(int i);

    /** {@link #map} rounded to float16 as served: the same bytes as {@code DepthMap.rounded}. */
    default DepthMap rounded(int i) {
      return DepthMap.rounded(map(i));
    }

    @Override
    void close();
  }

  /** Depth maps (outH×outW, post-processed) for the images, in order. */
  float[][] infer(List<Image> images, int outH, int outW);

  /**
   * The batch of {@code jobs} with its input filled. This default keeps the jobs and infers at
   * {@link Batch#run}: one call when all want one size, else one per job.
   */
  default Batch prepare(List<Job> jobs) {
    return new Batch() {
      private final float[][] maps = new float[jobs.size()][];

      @Override
      public void run() {
        Job first = jobs.get(0);
        if (jobs.stream().allMatch(j -> j.outH() == first.outH() && j.outW() == first.outW())) {
          List<Image> images = new ArrayList<>(jobs.size());
          jobs.forEach(j -> images.add(j.image()));
          float[][] all = infer(images, first.outH(), first.outW());
          System.arraycopy(all, 0, maps, 0, maps.length);
        } else {
          for (int i = 0; i < maps.length; i++) {
            Job j = jobs.get(i);
            maps[i] = infer(List.of(j.image()), j.outH(), j.outW())[0];
          }
        }
      }

      @Override
      public float[] map(int i) {
        return maps[i];
      }

      @Override
      public void close() {}
    };
  }

  /** Identifies model and weights, for fingerprints and cache keys. */
  String id();

  /** The model's name, for messages. */
  default String name() {
    return id();
  }

  /** What the values mean, e.g. "metres". */
  String units();

  int maxBatch();

  /** Batches that may run at once (an ONNX model's sessions); 1 unless the model says. */
  default int parallelRuns() {
    return 1;
  }

  @Override
  void close();
}
