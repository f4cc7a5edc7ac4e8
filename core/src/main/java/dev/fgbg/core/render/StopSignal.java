package dev.fgbg.core.render;

import java.util.function.BooleanSupplier;

/**
 * A render's "cancelled" that also calls back when it turns true, so that a render waiting for
 * teacher depth (no thread polls it then) cancels its depth requests at once: requests still
 * queued for the model are withdrawn instead of computed for nobody. A plain
 * {@link BooleanSupplier} is only polled, between samples.
 */
public interface StopSignal extends BooleanSupplier {

  /** Runs {@code then} once this turns true (at once, on this thread, if it is already). */
  void onStop(Runnable then);

  /** {@code then} on {@code cancelled}'s stop, when it is a {@link StopSignal}; else never. */
  static void onStop(BooleanSupplier cancelled, Runnable then) {
    if (cancelled instanceof StopSignal s) {
      s.onStop(then);
    }
  }
}
