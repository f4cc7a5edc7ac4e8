package dev.fgbg.client;

import dev.fgbg.common.Overrun;
import dev.fgbg.common.Unanswered;
import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A call that had a connection and ran past its deadline, in {@link Overrun}'s words for
 * {@link TransportWords}: which call, the target, how long its deadline was and the builder's
 * method that sets it (the CLI says its own, {@code --deadline}'s); and one whose deadline
 * was too short to connect and start it, in {@link Unanswered#tooShort}'s. Each of the
 * client's stubs carries its {@link Bound}, as a call's deadline alone says neither its length
 * nor its setter.
 */
final class PastDeadline {
  /** The deadline a call runs under: the builder's method that set it, and its length. */
  record Bound(String setter, Duration length) {
    /** {@code stub} with this deadline, from now, and this bound for its calls' words. */
    <S extends AbstractStub<S>> S on(S stub) {
      return stub.withDeadlineAfter(length.toNanos(), TimeUnit.NANOSECONDS)
          .withOption(BOUND, this);
    }
  }

  /** A call's {@link Bound}; absent on a channel not made by FgbgClient. */
  static final CallOptions.Key<Bound> BOUND = CallOptions.Key.create("fgbg-deadline");

  /**
   * How early a server's reset at the deadline may come before the client's own deadline:
   * grpc-timeout is sent truncated (Python's {@code _DEADLINE_SLACK}).
   */
  static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private PastDeadline() {}

  /** Whether {@code deadline} (null: none) passed, but for {@link #SLACK_NANOS}. */
  static boolean passed(Deadline deadline) {
    return deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= SLACK_NANOS;
  }

  /**
   * {@code status} (DEADLINE_EXCEEDED) of {@code call} to {@code target} in words;
   * {@code reset}: what gRPC said of the server's reset at the deadline, or null.
   */
  static Status worded(Status status, String target, TransportWords.Call call, String reset) {
    String how = reset == null ? "" : "; it reset the call as its deadline passed: " + reset;
    return status.withDescription(Overrun.words(call.method(), target, length(call), how,
        raise(call)));
  }

  /**
   * Whether {@code call}, which never had a connection, ran out of a deadline too short for
   * it rather than waited on a server that does not answer: it passed before the call started
   * ({@code said}: grpc-java's "ClientCall started after … deadline was exceeded"), or it is
   * under {@link Unanswered#CONNECTING}.
   */
  static boolean tooShort(TransportWords.Call call, String said) {
    return said.toLowerCase(Locale.ROOT).startsWith("clientcall started after")
        || call.bound() != null && call.bound().length().compareTo(Unanswered.CONNECTING) < 0;
  }

  /** {@code status} of {@code call}, whose deadline was {@link #tooShort}, in words. */
  static Status tooShort(Status status, String target, TransportWords.Call call) {
    return status.withDescription(Unanswered.tooShort(call.method(), target, length(call),
        raise(call)));
  }

  private static String length(TransportWords.Call call) {
    return call.bound() == null ? "its deadline"
        : "its deadline of " + ReconnectWindow.words(call.bound().length());
  }

  private static String raise(TransportWords.Call call) {
    // Without a bound, a sooner deadline of the caller's Context bounded the call.
    return call.bound() == null ? "give it a later deadline (its Context's, or "
        + "FgbgClient.builder()'s deadline(Duration) / streamDeadline(Duration))"
        : "raise FgbgClient.builder()." + call.bound().setter() + "(Duration) / --deadline";
  }
}
