package dev.fgbg.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java client's words for a call that never had a connection (no server listens, the
 * packets are dropped, what listens hangs or sends no HTTP/2 settings, a TLS handshake too
 * slow): one text, whether gRPC's deadline passed first or the client's own bound on the wait
 * for a connection, and as the CLI says it of its {@code --deadline}.
 */
public final class Unanswered {
  /** How the words begin. */
  public static final String START = "no fgbg server answered at ";

  /** When a call gave up at gRPC's deadline, as {@link #words} says it. */
  public static final String BEFORE_DEADLINE = "before the call's deadline";

  /**
   * How a stream's start says, after the target, that the Describe sizing its shared-memory ring
   * got no reply within the deadline (connected or not): its words are the client's own, whole.
   */
  public static final String NO_RING_REPLY = " does not answer: no reply to the Describe that "
      + "sizes the stream's shared-memory ring ";

  /**
   * A deadline shorter than this that passes before the call had a connection (or before it
   * started) is said to be too short for the call, not a server that does not answer: a
   * process's first call resolves the name, starts gRPC's transport and connects, which can
   * take some hundreds of ms.
   */
  public static final Duration CONNECTING = Duration.ofSeconds(1);

  /** How {@link #tooShort}'s words say, after the deadline, that it was too short. */
  public static final String TOO_SHORT = " was too short for the call: ";

  private static final String LONGER = " a longer ";

  private Unanswered() {}

  /**
   * The words for {@code target}: {@code when} the call gave up (e.g. {@link #BEFORE_DEADLINE}),
   * what gRPC said of it, and the name of the {@code deadline} to lengthen.
   */
  public static String words(String target, String when, String said, String deadline) {
    return START + target + " " + when + ": the client was still connecting (none listens "
        + "there, and gRPC waits longer between tries after each refusal; or the packets are "
        + "dropped, what listens hangs or does not speak gRPC, or the server is still starting; "
        + said + "): start one or check the target, and give a server that starts slowly"
        + LONGER + deadline;
  }

  /**
   * The words for {@code call} (its gRPC method) to {@code target} whose {@code deadline} ("its
   * deadline of 30 ms") passed before it had a connection, or before it started: how to
   * {@code raise} it.
   */
  public static String tooShort(String call, String target, String deadline, String raise) {
    return call + " to " + target + ": " + deadline + TOO_SHORT + "it passed before the client "
        + "had connected and sent it (a process's first call resolves the name and connects, "
        + "which can take some hundreds of ms); " + raise;
  }

  /** {@code words} of a call that gave up {@link #BEFORE_DEADLINE}, said of another one. */
  public static String rewhen(String words, String when, String deadline) {
    String w = words.replaceFirst(Pattern.quote(" " + BEFORE_DEADLINE + ": "),
        Matcher.quoteReplacement(" " + when + ": "));
    int longer = w.lastIndexOf(LONGER);
    return longer < 0 ? w : w.substring(0, longer) + LONGER + deadline;
  }
}
