package dev.fgbg.core.depth;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import java.util.logging.Logger;

/**
 * How many images a batch holds and how many rows it runs, from the config and the graph's
 * input. A graph whose batch dimension is fixed at N (the official MiDaS-small export takes
 * exactly 1) is never sent more than N images, and a padded batch is padded to exactly N; a
 * dynamic batch keeps the config's {@code maxBatch} as it was, so the depth of a model that
 * already ran is unchanged (nothing here enters the model's id).
 *
 * @param images at most this many images in a batch (what the batcher gathers)
 * @param fixedRows the graph's fixed batch, or 0 when it is dynamic
 * @param pad whether a batch that is not full is padded with blank rows
 */
record GraphBatch(int images, int fixedRows, boolean pad) {
  private static final Logger LOG = Logger.getLogger(GraphBatch.class.getName());

  /** From the input's shape (batch first, -1 or 0 when dynamic); refuses what cannot run. */
  static GraphBatch of(ModelConfig c, long[] inputShape) {
    int max = c.maxBatch();
    boolean pad = c.proto().getPadBatches();
    long n = inputShape.length == 0 ? -1 : inputShape[0];
    if (n <= 0) {
      return new GraphBatch(max, 0, pad);
    }
    String model = Quoted.of(c.name());
    if (n > 1 && !pad) {
      throw FgbgException.invalidConfig("depth model " + model + " takes batches of exactly " + n
          + " (fixed in the graph of " + c.weights() + ") but its config does not pad batches,"
          + " and a batch gathered within maxQueueDelayMs may hold fewer: set \"padBatches\":"
          + " true in " + c.folder().resolve("config.json") + ", or export the model with a"
          + " dynamic batch dimension");
    }
    if (n > Integer.MAX_VALUE / 2) {
      throw FgbgException.invalidConfig("depth model " + model + " has a fixed batch of " + n
          + " in its graph, more than fgbg can hold; export it with a dynamic batch dimension");
    }
    int rows = (int) n;
    if (max > rows) {
      LOG.info("depth model " + model + " takes batches of exactly " + rows + " (fixed in the "
          + "graph); maxBatch " + max + " lowered to " + rows);
      return new GraphBatch(rows, rows, pad);
    }
    if (max < rows) {
      LOG.info("depth model " + model + " takes batches of exactly " + rows + " (fixed in the "
          + "graph); batches of up to maxBatch " + max + " are padded to " + rows);
    }
    return new GraphBatch(max, rows, pad);
  }

  /** Rows run for a batch of {@code count} images. */
  int rows(int count) {
    return fixedRows > 0 ? fixedRows : pad ? images : count;
  }

  /** Rows the largest batch runs: what the input and output slots hold. */
  int maxRows() {
    return fixedRows > 0 ? fixedRows : images;
  }
}
