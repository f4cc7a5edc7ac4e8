package dev.fgbg.server.stop;

import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;

/**
 * Whether a call the client ended (a reset: the server sees a cancel) ended at its deadline,
 * not by the client's own cancel. The client's reset at its deadline arrives before the
 * server's timer fires (the server's deadline counts from when the call arrived, after the
 * client's), so a cancel this close to the deadline is taken as the deadline's.
 */
public final class DeadlineEnds {
  /** How close to its deadline a cancel counts as the deadline's: a network's one-way delay. */
  static final long SLACK_MILLIS = 100;

  private DeadlineEnds() {}

  /** Whether a call of {@code deadline} (null: none) cancelled now was cut by its deadline. */
  public static boolean passed(Deadline deadline) {
    return deadline != null && deadline.timeRemaining(TimeUnit.MILLISECONDS) <= SLACK_MILLIS;
  }

  /**
   * Whether a message sent now on a call of {@code deadline} (null: none) may reach its client
   * after the client's deadline passed (less than a round trip is left), so that the client
   * would never read it: an export completes no shard then, or the client would count one
   * short of what is kept.
   */
  public static boolean near(Deadline deadline) {
    return deadline != null && deadline.timeRemaining(TimeUnit.MILLISECONDS) <= 2 * SLACK_MILLIS;
  }
}
