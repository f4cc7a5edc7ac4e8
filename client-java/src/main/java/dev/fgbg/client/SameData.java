package dev.fgbg.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one fingerprint a stream over replicas keeps to (the Python client's
 * {@code fgbg.failover.SameData} is the same rule): the job's, decided once by
 * {@link FgbgReplicas#fingerprint}, or when there is one replica the first batch's of its
 * first stream ({@link FgbgReplicas#keep}), so later epochs keep to it too. A batch of
 * other data is refused ({@link OtherData}) so that its replica is skipped like an unavailable
 * one; when no replica serves the data, {@link #gaveUp} says what each one serves. Only its
 * stream's thread uses it.
 */
final class SameData {
  private final String dataset;
  private String fingerprint;
  private final Map<String, String> round = new LinkedHashMap<>(); // since the last batch taken

  SameData(String dataset, String fingerprint) {
    this.dataset = dataset;
    this.fingerprint = fingerprint;
  }

  String fingerprint() {
    return fingerprint;
  }

  void decided(String fingerprint) {
    this.fingerprint = fingerprint;
  }

  /** {@code b} from {@code target}, when it is of the stream's data; else OtherData. */
  Batch check(Batch b, String target) {
    if (fingerprint == null) {
      fingerprint = b.fingerprint();
    } else if (!fingerprint.equals(b.fingerprint())) {
      throw new OtherData(target + " serves dataset '" + dataset + "' with fingerprint "
          + b.fingerprint() + ", not " + fingerprint + " as the replicas before it: the "
          + "replicas serve different data (a rolling update, another config or model?), and "
          + "a stream cannot mix them", b.fingerprint());
    }
    round.clear();
    return b;
  }

  /** Notes why {@code target} was left (for {@link #gaveUp}). */
  void failed(String target, StatusRuntimeException e) {
    round.put(target, e instanceof OtherData o ? "serves fingerprint " + o.served
        : e.getStatus().getCode() == Status.Code.UNAVAILABLE ? "is unavailable"
        : "failed " + e.getStatus().getCode());
  }

  /**
   * Why the stream leaves a replica after {@code e} (UNAVAILABLE, or of other data), for the
   * move's log line.
   */
  String why(StatusRuntimeException e) {
    return e instanceof OtherData o ? "serves other data (fingerprint " + o.served + ", not "
        + fingerprint + ")" : "is unavailable (" + e.getStatus().getDescription() + ")";
  }

  /**
   * What to throw when the stream gives up after {@code e}: when a replica of other data was
   * among those left, FAILED_PRECONDITION naming what each of {@code targets} serves.
   */
  StatusRuntimeException gaveUp(StatusRuntimeException e, List<String> targets) {
    if (round.values().stream().noneMatch(w -> w.startsWith("serves"))) {
      return e;
    }
    String each = targets.stream().map(t -> t + " " + round.getOrDefault(t, "was not tried"))
        .collect(Collectors.joining("; "));
    return new OtherData("no replica serves dataset '" + dataset + "' with fingerprint "
        + fingerprint + ", the data this stream has: " + each + "; the replicas serve "
        + "different data (a rolling update, another config or model?), and their samples "
        + "cannot be mixed", null);
  }

  /** A replica serving other data than the stream's. */
  static final class OtherData extends StatusRuntimeException {
    private static final long serialVersionUID = 1L;
    private final String served;

    OtherData(String message, String served) {
      super(Status.FAILED_PRECONDITION.withDescription(message));
      this.served = served;
    }
  }
}
