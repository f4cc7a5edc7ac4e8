package dev.fgbg.common;

import java.util.Locale;

/**
 * The Java client's words for a call that had a connection and ran past its deadline (the
 * server is up, but a cold depth cache or a busy one took longer), as the Python client's
 * {@code errors.deadline} says it; and how grpc-java's own words for a deadline look, which
 * name its internals ("deadline exceeded after 29.99s. [closed=[], open=[[remote_addr=…]]]")
 * and which the client and the CLI both replace with their own.
 */
public final class Overrun {
  /** How the words say, after the call and its target, that the call overran. */
  public static final String MARK = " did not finish within ";

  private Overrun() {}

  /**
   * The words for {@code call} (its gRPC method, e.g. Describe) to {@code target}: its
   * {@code deadline} ("its deadline of 2 s"), what else the server did ({@code how}, "" for
   * nothing) and how to {@code raise} the deadline.
   */
  public static String words(String call, String target, String deadline, String how,
      String raise) {
    return call + " to " + target + MARK + deadline + ": the server was connected but had not "
        + "finished the call by then (a cold depth cache or a busy server can take longer"
        + how + "); " + raise;
  }

  /**
   * Whether a DEADLINE_EXCEEDED's description is grpc-java's own ("deadline exceeded after
   * 29.99s. [closed=[], open=[…]]", "CallOptions deadline exceeded after 2.998s. Name resolution
   * delay …", "Deadline CallOptions was exceeded after 0.004s waiting for name_resolver", a
   * Context's "context timed out"), which says nothing a user can act on, rather than a
   * server's (a call queued past it).
   */
  public static boolean grpcsOwn(String said) {
    String lower = said == null ? "" : said.toLowerCase(Locale.ROOT);
    return lower.isEmpty() || lower.contains("deadline exceeded after")
        || lower.startsWith("context timed out")
        || lower.contains("deadline was exceeded") || lower.contains("calloptions")
        || lower.equals("deadline exceeded");
  }
}
