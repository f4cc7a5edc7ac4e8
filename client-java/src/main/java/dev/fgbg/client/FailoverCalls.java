package dev.fgbg.client;

import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DatasetSummary;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Idempotent unary calls over replicas, by the Python client's rule
 * ({@code fgbg.failover.FailoverCalls}): each call goes to the replica now used (from its home
 * replica on, one that lately did not answer last: {@link SilentReplicas}); when that one is
 * UNAVAILABLE (stopped, refusing connections), serves other data than the job's
 * ({@link #getSamples}: {@link FgbgReplicas#fingerprint}), or lets the call's deadline pass
 * without answering a Describe probe either (a hung or frozen replica), the same call goes to
 * the next replica, which gets the client's whole deadline again. A deadline on a replica that
 * answers the probe is the caller's (a busy replica: the call would cost as much elsewhere) and
 * is raised, as is a lone replica's, but for {@link FgbgReplicas#fingerprint}'s Describe, which
 * waits in the reconnect window as one that is down does; so is every other status (INVALID_ARGUMENT, UNAUTHENTICATED, NOT_FOUND, …), as it
 * is. When every replica in turn failed, the replicas' reconnect window
 * ({@link FgbgReplicas#withReconnect}) keeps trying, else the last status names them all
 * ({@link FgbgReplicas#noneAnswered}). {@link FgbgReplicas#fingerprint}'s Describe runs by the
 * same rule. One thread uses it; its replicas may be shared.
 */
public final class FailoverCalls {
  private static final Logger LOG = Logger.getLogger(FailoverCalls.class.getName());
  /** How long a replica whose call's deadline passed has to answer a Describe (Python's too). */
  static final long PROBE_MILLIS = 3000;
  private static final ScheduledExecutorService PROBES = Executors.newSingleThreadScheduledExecutor(
      r -> {
        Thread t = new Thread(r, "fgbg-failover-probe");
        t.setDaemon(true);
        return t;
      });

  private final FgbgReplicas replicas;
  private final String who;
  private final int home;
  private List<Integer> order; // the replicas in the order it asks them; at: its place in it
  private int at;
  private int failovers;

  /**
   * @param who names the caller in the line logged per move ("rank 1"), or null: no line
   */
  FailoverCalls(FgbgReplicas replicas, int home, String who) {
    this.replicas = replicas;
    this.home = home;
    this.who = who;
  }

  /** Samples by index; a replica serving other data than the job's is passed over. */
  public Batch getSamples(GetSamplesRequest request) {
    String dataset = request.getDataset();
    SameData same = new SameData(dataset, replicas.size() > 1
        ? replicas.fingerprint(dataset) : null);
    Batch b = call("GetSamples call", c -> same.check(c.getSamples(request), target()), same);
    if (same.fingerprint() == null) {
      same.decided(replicas.keep(dataset, b.fingerprint())); // one replica: its first batch's
    }
    return b;
  }

  public DatasetInfo describe(String dataset) {
    return call("Describe", c -> c.describe(dataset));
  }

  public List<DatasetSummary> listDatasets() {
    return call("ListDatasets", FgbgClient::listDatasets);
  }

  /** Stats (under the clients' stream deadline, as {@link FgbgClient#stats}). */
  public StatsResponse stats(StatsRequest request) {
    return call("Stats call", c -> c.stats(request));
  }

  public GalleryResponse gallery(GalleryRequest request) {
    return call("Gallery call", c -> c.gallery(request));
  }

  /** {@code ask} (an idempotent unary call) by this rule; {@code what} names it in the log. */
  public <T> T call(String what, Function<FgbgClient, T> ask) {
    return call(what, ask, null);
  }

  private <T> T call(String what, Function<FgbgClient, T> ask, SameData same) {
    return call(what, ask, same, new ReconnectWindow(replicas.reconnect()), () -> false, true);
  }

  /**
   * The rule itself. {@code probe}: whether a deadline is probed (false: {@code ask} is a
   * Describe, whose deadline is an answer to the probe already); {@code stop}: ends the call
   * with its last status (its stream closed by another thread).
   */
  <T> T call(String what, Function<FgbgClient, T> ask, SameData same, ReconnectWindow window,
      BooleanSupplier stop, boolean probe) {
    int n = replicas.size();
    if (order == null) {
      order = replicas.silent().order(replicas.home(home)); // a lately silent one last
    }
    for (int tried = 0; ; tried++) {
      int i = replica();
      FgbgClient client = replicas.client(i);
      try {
        T answer = ask.apply(client);
        replicas.silent().answered(i);
        window.close();
        return answer;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean other = e instanceof SameData.OtherData;
        // Unprobed (a Describe), a deadline is no answer even from a lone replica: it waits in
        // the window as before; probed, a lone replica's is the caller's (nowhere else to go).
        boolean deadline = code == Status.Code.DEADLINE_EXCEEDED
            && (!probe || n > 1 && !answers(client));
        if (stop.getAsBoolean() || !(code == Status.Code.UNAVAILABLE || other || deadline)) {
          throw e;
        }
        if (!other && SilentReplicas.silent(e.getStatus())) {
          replicas.silent().mark(i); // no answer: the next calls ask it last
        }
        String gone = target();
        if (same != null) {
          same.failed(gone, e);
        }
        at++;
        failovers++;
        if (who != null && tried < n) { // once an outage: after it, the window's own lines
          LOG.info(who + ": " + gone + " " + (deadline ? "did not answer within its deadline"
              : same != null ? same.why(e) : "is unavailable (" + e.getStatus().getDescription()
              + ")") + "; asking " + target() + " for the same " + what);
        }
        if (tried % n == n - 1) { // every replica in turn
          if (same != null && same.fingerprint() != null) {
            StatusRuntimeException why = same.gaveUp(e, replicas.targets());
            if (why != e) {
              throw why; // waiting cannot bring the data back
            }
          }
          window.await(FgbgReplicas.noneAnswered(e, gone, order.stream()
              .map(replicas.targets()::get).toList()), replicas.targets());
          if (stop.getAsBoolean()) {
            throw e;
          }
          replicas.reconnectNow();
          order = replicas.silent().order(replicas.home(home));
          at = 0;
        }
      }
    }
  }

  /** Whether {@code client}'s replica answers a Describe within {@link #PROBE_MILLIS}. */
  private static boolean answers(FgbgClient client) {
    Context.CancellableContext probe = Context.current().withDeadline(
        Deadline.after(PROBE_MILLIS, TimeUnit.MILLISECONDS), PROBES);
    try {
      return probe.call(() -> {
        try {
          client.describe("");
        } catch (StatusRuntimeException e) {
          Status.Code c = e.getStatus().getCode();
          return c != Status.Code.DEADLINE_EXCEEDED && c != Status.Code.UNAVAILABLE;
        }
        return true;
      });
    } catch (Exception e) {
      return false;
    } finally {
      probe.cancel(null);
    }
  }

  /** The replica now asked (an index into {@link FgbgReplicas#targets()}). */
  public int replica() {
    return order == null ? replicas.home(home) : order.get(at % order.size());
  }

  /** How many times a call moved to another replica. */
  public int failovers() {
    return failovers;
  }

  private String target() {
    return replicas.targets().get(replica());
  }
}
