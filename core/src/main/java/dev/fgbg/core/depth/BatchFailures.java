package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.FgbgException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A batcher's expected failures in the log: a model that fails on some inputs (ONNX Runtime
 * refuses a batch) or gives NaN fails every batch it gets, and every caller already has the
 * failure as a status naming the model. So each kind is one WARNING line, without a trace, at
 * most once a minute ({@link MinuteLines}).
 */
final class BatchFailures {
  private static final Logger LOG = Logger.getLogger(DynamicBatcher.class.getName());

  private final MinuteLines runs;
  private final MinuteLines outputs;

  BatchFailures(Ticker ticker) {
    this.runs = lines(ticker, "failed depth batches");
    this.outputs = lines(ticker, "depth batches with NaN or infinite values");
  }

  /** The model failed to run a batch of {@code size} requests; anything but ours is a bug. */
  void ran(int size, RuntimeException e) {
    log(runs, e, "depth inference failed for a batch of " + size);
  }

  /** A batch of {@code size} ran but its maps were refused (NaN) or could not be read (a bug). */
  void output(int size, RuntimeException e) {
    log(outputs, e, "depth output of a batch of " + size + " failed");
  }

  /** Ours (it names the model and the batch) once a minute; anything else with its trace. */
  private static void log(MinuteLines kind, RuntimeException e, String bug) {
    if (e instanceof FgbgException) {
      kind.log(e.getMessage() + " (" + MinuteLines.COUNTED + ")", e.getMessage());
    } else {
      LOG.log(Level.WARNING, bug, e);
    }
  }

  private static MinuteLines lines(Ticker ticker, String many) {
    return MinuteLines.of(LOG, Level.WARNING, ticker::read, many);
  }
}
