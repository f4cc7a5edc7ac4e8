package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.FgbgException;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A batcher's expected failures in the log: a model that fails on some inputs (ONNX Runtime
 * refuses a batch) or gives NaN fails every batch it gets, and every caller already has the
 * failure as a status naming the model. So each kind is one WARNING line, without a trace, at
 * most once a minute ({@link MinuteLines}). A batch that fails while the batcher closes (a stop
 * during the warm-up closes the sessions under its run) is an expected end, not a fault: one
 * FINE line, no WARNING, no trace, whatever the failure.
 */
final class BatchFailures {
  private static final Logger LOG = Logger.getLogger(DynamicBatcher.class.getName());

  private final MinuteLines runs;
  private final MinuteLines outputs;
  private final BooleanSupplier closing;

  /** {@code closing}: whether the batcher is closing. */
  BatchFailures(Ticker ticker, BooleanSupplier closing) {
    this.closing = closing;
    this.runs = lines(ticker, "failed depth batches");
    this.outputs = lines(ticker, "depth batches with NaN or infinite values");
  }

  /** A batch of {@code size} requests could not be prepared: a bug, but while closing. */
  void input(int size, RuntimeException e) {
    if (!closed(e)) {
      LOG.log(Level.WARNING, "depth input for a batch of " + size + " failed", e);
    }
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
  private void log(MinuteLines kind, RuntimeException e, String bug) {
    if (closed(e)) {
      return;
    }
    if (e instanceof FgbgException) {
      kind.log(e.getMessage() + " (" + MinuteLines.COUNTED + ")", e.getMessage());
    } else {
      LOG.log(Level.WARNING, bug, e);
    }
  }

  /** Whether the batcher is closing: then {@code e} is only said at FINE. */
  private boolean closed(RuntimeException e) {
    if (!closing.getAsBoolean()) {
      return false;
    }
    LOG.fine(() -> "depth batch ended by the model's close: " + e);
    return true;
  }

  private static MinuteLines lines(Ticker ticker, String many) {
    return MinuteLines.of(LOG, Level.WARNING, ticker::read, many);
  }
}
