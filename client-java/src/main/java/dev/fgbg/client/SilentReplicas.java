package dev.fgbg.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The replicas of one {@link FgbgReplicas} that lately did not answer at all (a hung process
 * whose port accepts connections: a call on it waited its whole bound, the unary deadline or
 * {@link ConnectBound}'s), remembered for {@link #REMEMBER}, so that a later call or stream that
 * would start on one asks the others first and it last: each would otherwise wait that bound
 * again. Only which replica serves changes, never the data (the resume rule and fingerprint
 * are the same). A replica that answers is forgotten at once. The Python client's
 * {@code fgbg._silent} keeps the same rule and words. Thread-safe; time from a nanosecond
 * ticker ({@code System::nanoTime} outside tests), as {@link ReconnectWindow}'s.
 */
final class SilentReplicas {
  /** How long a replica that did not answer is asked last (the Python client's too). */
  static final Duration REMEMBER = Duration.ofSeconds(60);

  private static final Logger LOG = Logger.getLogger(SilentReplicas.class.getName());

  private final List<String> targets;
  private final LongSupplier nanos;
  /** Replica index: when it last did not answer, and whether a pass-over was logged since. */
  private final Map<Integer, Mark> marks = new ConcurrentHashMap<>();

  private record Mark(long at, boolean told) {}

  SilentReplicas(List<String> targets, LongSupplier nanos) {
    this.targets = targets;
    this.nanos = nanos;
  }

  /**
   * Whether {@code status}, ending a call on a replica before any reply of it, says the replica
   * did not answer at all: its deadline passed, or {@link ConnectBound} ended it unconnected.
   */
  static boolean silent(Status status) {
    return status.getCode() == Status.Code.DEADLINE_EXCEEDED || ConnectBound.ended(status);
  }

  /** Replica {@code replica} did not answer. */
  void mark(int replica) {
    marks.put(replica, new Mark(nanos.getAsLong(), false));
  }

  /** Replica {@code replica} answered: no longer asked last. */
  void answered(int replica) {
    marks.remove(replica);
  }

  private boolean remembered(int replica, long now) {
    Mark m = marks.get(replica);
    return m != null && now - m.at() < REMEMBER.toNanos();
  }

  /**
   * Every replica, from {@code first} on in ring order, those remembered as silent moved to the
   * end (in the same ring order): the order a call or stream asks them in. Logs once per
   * remembering that one is passed over.
   */
  List<Integer> order(int first) {
    long now = nanos.getAsLong();
    List<Integer> answering = new ArrayList<>();
    List<Integer> last = new ArrayList<>();
    for (int k = 0; k < targets.size(); k++) {
      int i = (first + k) % targets.size();
      (remembered(i, now) ? last : answering).add(i);
    }
    if (!answering.isEmpty()) {
      for (int i : last) {
        told(i);
      }
    }
    answering.addAll(last);
    return answering;
  }

  private void told(int replica) {
    Mark m = marks.get(replica);
    if (m != null && !m.told() && marks.replace(replica, m, new Mark(m.at(), true))) {
      LOG.info(words(targets.get(replica)));
    }
  }

  /** The pass-over line (the Python client's words). */
  static String words(String target) {
    return "passing over " + target + ": it did not answer a call within the last "
        + REMEMBER.toSeconds() + " s (a hung replica?); the other replicas are asked first, "
        + "it last";
  }
}
