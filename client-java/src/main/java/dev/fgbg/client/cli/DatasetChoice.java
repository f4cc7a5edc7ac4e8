package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import dev.fgbg.common.Unanswered;
import dev.fgbg.v1.DatasetSummary;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every sample-reading verb shares: which dataset, under which placement seed. */
final class DatasetChoice {
  /** The dataset a verb reads when none is named. */
  static final String DEFAULT = "builtin";

  @Option(names = "--dataset", description = "Dataset name. Default: builtin.")
  String dataset;

  @Option(names = "--seed", description = "Placement seed. Default: 0.")
  long seed;

  /** The dataset named, else the default, said on stderr when {@code c} serves others too. */
  String name(FgbgClient c) {
    return chosen(dataset, c, false);
  }

  /**
   * As {@link #name}, but a server that does not answer is left to the verb's own call (the
   * stream's: its --reconnect window waits for one, its ring's Describe says so in its words).
   */
  String nameWaiting(FgbgClient c) {
    return chosen(dataset, c, true);
  }

  /**
   * {@code given}, else the default: a server of the user's own folders serves builtin too, and
   * a verb that read it without a word looked like one that read theirs. One ListDatasets call,
   * only when no dataset was named; its failure is the verb's own call's to report, but a
   * server that did not answer it within the deadline ends the verb now (unless {@code
   * waiting}): its own call would wait that deadline again.
   */
  static String chosen(String given, FgbgClient c, boolean waiting) {
    if (given != null) {
      return given;
    }
    List<String> others;
    try {
      others = c.listDatasets().stream().map(DatasetSummary::getName).toList();
    } catch (StatusRuntimeException e) {
      if (!waiting && unanswered(e.getStatus())) {
        throw e;
      }
      return DEFAULT;
    }
    if (others.contains(DEFAULT) && others.size() > 1) {
      System.err.println("fgbg: dataset " + DEFAULT + " (the server also serves "
          + String.join(", ", others.stream().filter(n -> !n.equals(DEFAULT)).toList())
          + "; choose with --dataset NAME)");
    }
    return DEFAULT;
  }

  /** Whether {@code s} ended a call that got no answer: its deadline, or no connection. */
  private static boolean unanswered(Status s) {
    String said = s.getDescription();
    return s.getCode() == Status.Code.DEADLINE_EXCEEDED
        || (s.getCode() == Status.Code.UNAVAILABLE && said != null
            && said.startsWith(Unanswered.START));
  }
}
