package dev.fgbg.client.cli;

import dev.fgbg.common.Durations;
import dev.fgbg.common.Overrun;
import dev.fgbg.common.Unanswered;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import picocli.CommandLine;

/**
 * A failed call as the CLI's one error line, {@code CODE: words}: the server's own messages and
 * the client's words for a failed connection (TransportWords) pass as they are; a deadline
 * says which one ran out, how far the verb got and what to do (grpc-java's own names its
 * internals instead, the library's its builder's method), and a short --deadline that passed
 * while connecting is named as too short, not the server; a long verb's call that ended
 * mid-way says how to go on from there.
 */
final class CallWords {
  private CallWords() {}

  /** {@code e} in words, for the verb run by {@code line}. */
  static String of(StatusRuntimeException e, CommandLine line) {
    Status s = e.getStatus();
    String d = firstLine(s.getDescription());
    SoFar soFar = line.getCommand() instanceof SoFar f ? f : null;
    if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      d = deadline(d, e, line, soFar);
    } else if (cut(e, soFar)) {
      // A server that stopped says how to go on itself (an export: run it again): only the count.
      d = d + " " + (d.contains("run the same ")
          ? "(" + soFar.received() + " " + soFar.counted() + ")"
          : SoFar.goOn(soFar.received(), soFar.counted(), soFar.resume()));
    }
    return s.getCode() + ": " + d;
  }

  private static String deadline(String said, StatusRuntimeException e, CommandLine line,
      SoFar soFar) {
    Object mixin = line.getCommandSpec().mixins().containsKey("connection")
        ? line.getCommandSpec().mixins().get("connection").userObject() : null;
    Connection connection = mixin instanceof Connection c ? c : null;
    Duration given = connection != null ? connection.deadline : null;
    boolean tooShort = given != null && given.compareTo(Unanswered.CONNECTING) < 0;
    if (tooShort && said.contains(Unanswered.NO_RING_REPLY)
        && e.getStatus().getCause() instanceof StatusRuntimeException ring) {
      // The Describe sizing a stream's ring ran out of a short --deadline: said as get's would be.
      said = firstLine(ring.getStatus().getDescription());
    }
    boolean clients = grpcsOwn(said);
    String within = given != null ? "--deadline " + Durations.words(given)
        : "the default deadline of " + (soFar != null ? "24h" : "30s");
    String count = soFar != null ? " (" + soFar.received() + " " + soFar.counted() + ")" : "";
    if ((said.startsWith(Unanswered.START) || said.contains(Unanswered.TOO_SHORT))
        && tooShort) { // no connection yet: it is the deadline
      return "no reply within " + within + count + ": it passed while the client was still "
          + "connecting to " + connection.target + ", which can take longer (a "
          + "process's first call sets up its connection); raise --deadline or leave it out";
    }
    if (said.startsWith(Unanswered.START)) { // the client's: the call never had a connection
      return Unanswered.rewhen(said, "within " + within, "--deadline");
    }
    if (said.contains(Unanswered.NO_RING_REPLY)) { // the client's, naming its deadline already
      return said + (given != null ? "; raise --deadline" : "; set --deadline")
          + " for a server that is only slow";
    }
    // A long verb that received something did get replies: its call did not end in time.
    boolean some = soFar != null && soFar.received() > 0;
    return (some ? "not finished within " : "no reply within ") + within + count
        + (clients ? "" : " (the server: " + said + ")")
        + "; a cold depth cache or a busy server can take longer: "
        + (given != null ? "raise --deadline or leave it out" : "raise it with --deadline")
        + (cut(e, soFar) ? "; to go on from there: " + soFar.resume() : "");
  }

  /** A status's description, "" for none: the transport's may go on with Netty's pipeline on a
   *  second line. */
  private static String firstLine(String description) {
    return description == null ? "" : description.lines().findFirst().orElse("");
  }

  /**
   * Whether a DEADLINE_EXCEEDED's description is grpc-java's own ({@link Overrun#grpcsOwn}: a
   * call that passed its deadline before a connection), or the client's own for a connected
   * call that ran past it ({@link Overrun}'s words, naming the builder's method rather than
   * --deadline), rather than a server's (a call queued past it), which is quoted.
   */
  static boolean grpcsOwn(String said) {
    return Overrun.grpcsOwn(said) || said.contains(Overrun.MARK)
        || said.contains(Unanswered.TOO_SHORT);
  }

  /**
   * Whether {@code e} cut a long verb mid-way with something whole received to go on from (a
   * deadline, a lost connection, a server stopped): its words say how to go on, and a stream
   * prints its partial lines ({@link CutShort}). Other failures would fail again on resuming.
   */
  static boolean cut(StatusRuntimeException e, SoFar soFar) {
    return soFar != null && cut(e, soFar.received(), soFar.resume());
  }

  /** As {@link #cut(StatusRuntimeException, SoFar)}, of one snapshot of a verb's count and
   *  resume point ({@link CutShort}'s). */
  static boolean cut(StatusRuntimeException e, long received, String resume) {
    Status.Code code = e.getStatus().getCode();
    return SoFar.goesOn(received, resume) && (code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.UNAVAILABLE || code == Status.Code.CANCELLED);
  }
}
