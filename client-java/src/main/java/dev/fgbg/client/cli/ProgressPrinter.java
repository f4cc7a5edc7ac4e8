package dev.fgbg.client.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long verb on stderr: a bar redrawn in place on a terminal; elsewhere (a log, a
 * pipe) a plain line at most every 2 s and one at the end.
 */
final class ProgressPrinter {
  private static final long EVERY_NANOS = 2_000_000_000L;

  private final PrintStream err;
  private final boolean terminal;
  private long lastPrinted;
  private boolean drawn;
  private boolean closed;

  ProgressPrinter(PrintStream err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /** On stderr, as a bar when a console is attached. */
  static ProgressPrinter stderr() {
    return new ProgressPrinter(System.err, System.console() != null);
  }

  /** A NaN {@code rate} means none was measured: the line says only {@code detail}. */
  synchronized void update(long done, long total, double rate, double eta, String detail,
      boolean finished) {
    if (closed) {
      return;
    }
    if (terminal) {
      err.print("\r" + bar(done, total, rate, eta, detail));
      drawn = true;
      return;
    }
    long now = System.nanoTime();
    if (finished || now - lastPrinted > EVERY_NANOS) {
      err.println(Double.isNaN(rate)
          ? String.format(Locale.ROOT, "progress: %d/%d samples, %s", done, total, detail)
          : String.format(Locale.ROOT, "progress: %d/%d samples, %s%.0f samples/s, eta %.0f s",
              done, total, detail.isEmpty() ? "" : detail + ", ", rate, eta));
      lastPrinted = now;
    }
  }

  /** Ends the bar's line. */
  synchronized void end() {
    if (drawn && !closed) {
      err.println();
    }
  }

  /**
   * No line from now on, once a line being printed is done: a verb stopped by a signal says so
   * last, while its thread may still be receiving ({@link CutShort}).
   */
  synchronized void close() {
    closed = true;
  }

  static String bar(long done, long total, double rate, double eta, String detail) {
    int width = 30;
    double f = total == 0 ? 1 : (double) done / total;
    int full = (int) Math.round(f * width);
    String speed = Double.isNaN(rate) ? ""
        : String.format(Locale.ROOT, "  %.0f samples/s  eta %.0fs", rate, eta);
    return String.format(Locale.ROOT, "[%s%s] %3.0f%% %d/%d%s  %s   ",
        "#".repeat(full), ".".repeat(width - full), f * 100, done, total, speed, detail);
  }
}
