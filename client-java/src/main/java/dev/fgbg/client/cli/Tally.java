package dev.fgbg.client.cli;

/**
 * How far a long verb (export, stats, stream) has got, and the progress it draws, for its
 * {@link SoFar}: written by the verb's thread, read by the stop hook's too, hence volatile.
 * One holder the verbs share (through {@link SoFar.Tallied}) rather than each keeping the same
 * two fields and the same {@code quiet} and {@code received}.
 */
final class Tally {
  private final String counted;
  private volatile ProgressPrinter progress; // for quiet(), from the stop hook
  private volatile long received;

  /** @param counted what {@link #received} counts, in words: "samples kept" */
  Tally(String counted) {
    this.counted = counted;
  }

  String counted() {
    return counted;
  }

  /** Progress on stderr from now on. */
  ProgressPrinter progress() {
    ProgressPrinter p = ProgressPrinter.stderr();
    progress = p;
    return p;
  }

  /** {@code n} samples received (written, counted) so far. */
  void received(long n) {
    received = n;
  }

  long received() {
    return received;
  }

  /** No progress line from now on (none drawn yet: none will be). */
  void quiet() {
    ProgressPrinter p = progress;
    if (p != null) {
      p.close();
    }
  }
}
