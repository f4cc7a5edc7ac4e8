package dev.fgbg.client.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.List;

/**
 * What a long verb cut short says about what it received, said once. A stop signal's hook and
 * a failed call's path can both come here (a signal while a cut stream reports its failure);
 * a stream's partial lines printed twice would read as two parts whose digests add up, so one
 * lock guards one flag, and a hook that comes second waits until the first has printed (the JVM
 * halts once its hooks return, which would cut the other's lines short).
 */
final class CutShort {
  private final SoFar verb;
  private final PrintStream out;
  private final PrintStream err;
  private boolean said;

  CutShort(SoFar verb, PrintStream out, PrintStream err) {
    this.verb = verb;
    this.out = out;
    this.err = err;
  }

  /**
   * Stopped by Ctrl-C or SIGTERM while the verb's thread still receives: how far it got and how
   * to go on (stderr, as {@link CallWords} says it for a failed call), then the partial lines;
   * or, where the verb's work is complete (an export whose last message came), its normal
   * summary. Returns whether it was complete: the process then exits 0.
   */
  synchronized boolean stopped() {
    verb.quiet();
    if (verb.complete()) {
      verb.summary();
      out.flush();
      return true;
    }
    Taken t = take(verb);
    if (said || !SoFar.goesOn(t.received(), t.resume())) {
      return false;
    }
    said = true;
    // A progress bar on a terminal has no line end yet.
    err.println((System.console() != null ? System.lineSeparator() : "") + "fgbg: stopped "
        + SoFar.goOn(t.received(), verb.counted(), t.resume()));
    err.flush();
    print(t);
    return false;
  }

  /**
   * The verb's call failed: where it was cut mid-way (the server stopped, the deadline passed,
   * the connection was lost) the error line says how far it got and how to go on
   * ({@link CallWords#cut}); here only the partial lines.
   */
  synchronized void failed(StatusRuntimeException e) {
    Taken t = take(verb);
    if (said || !CallWords.cut(e, t.received(), t.resume())) {
      return;
    }
    said = true;
    print(t);
  }

  /** What was received, as a whole stream's lines marked partial (README: resuming a stream). */
  private void print(Taken t) {
    t.partial().forEach(out::println);
    out.flush();
  }

  /** A count, a resume point and partial lines (a stream's digest) that agree. */
  private record Taken(long received, String resume, List<String> partial) {}

  /**
   * One snapshot of {@code verb}: its thread may go on receiving meanwhile, and what it has
   * received only grows, so an unchanged count brackets an unchanged state.
   */
  private static Taken take(SoFar verb) {
    long n;
    String resume;
    List<String> partial;
    do {
      n = verb.received();
      resume = verb.resume();
      partial = verb.partial();
    } while (n != verb.received());
    return new Taken(n, resume, partial);
  }
}
