package dev.fgbg.client.cli;

import java.util.List;

/**
 * A verb whose call delivers samples over a long time (stream, export, stats): what it had when
 * the call failed, so that the error can say how far it got and how to go on.
 */
interface SoFar {
  /** Samples received (streamed, written, counted) before the call failed. */
  long received();

  /** What {@link #received} counts, in words: "samples received" (an export's "samples
   * written", Stats' "samples counted"). */
  default String counted() {
    return "samples received";
  }

  /** Stops the verb's progress lines, so that none follows the words of its stop. */
  default void quiet() {}

  /**
   * Whether the verb's work is done (an export's manifest complete) though its call has not
   * ended yet: a stop then prints its {@link #summary} and exits 0, not "stopped".
   */
  default boolean complete() {
    return false;
  }

  /** Prints the verb's normal summary (stdout), once: its own thread's or a stop's. */
  default void summary() {}

  /** How to go on from there, in the verb's flags; "" when starting over is the only way. */
  default String resume() {
    return "";
  }

  /**
   * Lines for stdout summing up what was received, each marked partial (a stream's samples,
   * rate and digest), taken with {@link #received}; none where the verb has no such summary.
   * {@link CutShort} prints them once, for a verb stopped by a signal or a call cut mid-way.
   */
  default List<String> partial() {
    return List.of();
  }

  /** A verb whose {@link Tally} holds its count, its words and its progress line. */
  interface Tallied extends SoFar {
    Tally tally();

    @Override
    default long received() {
      return tally().received();
    }

    @Override
    default void quiet() {
      tally().quiet();
    }

    @Override
    default String counted() {
      return tally().counted();
    }
  }

  /**
   * Whether a verb that received {@code received} with resume point {@code resume} can go on
   * from there: something came whole, and there is a way on other than starting over. The one
   * rule of a stop's words ({@link CutShort}) and a cut call's ({@link CallWords#cut}).
   */
  static boolean goesOn(long received, String resume) {
    return received > 0 && !resume.isEmpty();
  }

  /** "(N samples received); to go on from there: R", for a call cut or a verb stopped. */
  static String goOn(long received, String counted, String resume) {
    return "(" + received + " " + counted + "); to go on from there: " + resume;
  }
}
