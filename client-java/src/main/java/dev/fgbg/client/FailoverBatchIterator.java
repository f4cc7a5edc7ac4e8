package dev.fgbg.client;

import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One rank's batches across replicas: from its home replica until that one is unavailable (it
 * died, shut down, or hangs: its client's keepalive ping went unanswered, or its deadline
 * passed before its first batch), then
 * from the next, asking for the rest by {@link StreamResume#rest}'s rule ({@code start_batch} past
 * every batch already delivered, {@code limit} less the samples in them), so no sample is lost
 * or repeated. Every stream keeps to the job's one fingerprint ({@link FgbgReplicas#fingerprint}:
 * the same for every rank and stream, whatever its home replica); a replica that serves other
 * data (a rolling update, another config) is skipped like an unavailable one, never mixed in,
 * and when no replica serves it the stream ends with FAILED_PRECONDITION naming what each one
 * serves. It gives up when every replica in turn failed without delivering a batch, with the
 * last replica's status naming them all, unless the replicas' reconnect window
 * ({@link FgbgReplicas#withReconnect}) keeps it trying: then a rank whose only server
 * restarts rides through the restart. A server that came back with other data is never waited
 * for. One thread reads it; any thread may close it, which ends the call the reader waits in
 * (a Describe of a hung replica too).
 */
public final class FailoverBatchIterator implements Iterator<Batch>, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FailoverBatchIterator.class.getName());

  private final FgbgReplicas replicas;
  private final StreamEpochRequest request;
  private int replica;
  // The replicas in the order this stream asks them: from its home on, those that lately did
  // not answer last (decided at its first call, after the job's Describe); at: its place in it.
  private List<Integer> order;
  private int at;
  private volatile BatchIterator current;
  private long delivered;
  private long samples;
  private long samplesBefore; // delivered before the stream now read began
  private long deliveredBefore; // batches delivered before the stream now read began
  private boolean finished;
  private int failures;
  private boolean otherData; // among the failures in a row: the data changed under the stream
  private final ReconnectWindow window;
  private int failovers;
  private final SameData same;
  private volatile boolean closed;
  // Every call of this stream runs in it (Describes too: the job's, a ring's), so that close
  // cancels one in flight on a hung replica rather than leaving its reader to the deadline.
  private final Context.CancellableContext calls = Context.current().withCancellation();

  FailoverBatchIterator(FgbgReplicas replicas, StreamEpochRequest request, Duration reconnect,
      String fingerprint) {
    this.replicas = replicas;
    this.request = request;
    this.same = new SameData(request.getDataset(), fingerprint);
    this.window = new ReconnectWindow(reconnect);
    this.replica = replicas.home(request.getRank());
  }

  /** The stream of what is left, or null when nothing is (a limit used up). */
  private BatchIterator current() {
    if (current == null && !finished) {
      Optional<StreamEpochRequest> rest = StreamResume.rest(request, delivered, samples);
      finished = rest.isEmpty();
      samplesBefore = samples;
      deliveredBefore = delivered;
      if (order == null) {
        order = replicas.silent().order(replica);
        replica = order.get(0);
      }
      current = rest.map(r -> inCalls(() -> replicas.client(replica).streamEpoch(r)))
          .orElse(null);
    }
    return current;
  }

  /** {@code call}, made in this stream's context (cancelled by close). */
  private <T> T inCalls(Supplier<T> call) {
    Context before = calls.attach();
    try {
      return call.get();
    } finally {
      calls.detach(before);
    }
  }

  private <T> T retrying(Supplier<T> step) {
    while (true) {
      try {
        return step.get();
      } catch (StatusRuntimeException e) {
        boolean other = e instanceof SameData.OtherData;
        if (stopped() || (!passed(e.getStatus().getCode()) && !other)) {
          throw e;
        }
        otherData |= other;
        if (!other && delivered == deliveredBefore && SilentReplicas.silent(e.getStatus())) {
          replicas.silent().mark(replica); // no reply at all: the next streams ask it last
        }
        String gone = replicas.targets().get(replica);
        same.failed(gone, e);
        boolean every = ++failures % replicas.size() == 0; // every replica failed in turn
        if (every && otherData) {
          throw same.gaveUp(e, replicas.targets()); // waiting cannot bring the data back
        }
        int to = order.get((at + 1) % replicas.size());
        if (failures <= replicas.size()) { // once an outage: after it, the window's own lines
          LOG.info("rank " + request.getRank() + ": " + gone + " " + same.why(e)
              + "; resuming at batch " + (request.getStartBatch() + delivered) + " on "
              + replicas.targets().get(to));
        }
        if (every) {
          window.await(FgbgReplicas.noneAnswered(e, gone, replicas.targets()),
              replicas.targets());
          if (stopped()) {
            throw e; // closed by another thread while this one waited
          }
          replicas.reconnectNow();
        }
        closeCurrent();
        current = null;
        replica = to;
        at++;
        failovers++;
      }
    }
  }

  /**
   * Whether {@code code} moves the stream to the next replica: UNAVAILABLE, or a deadline
   * before this replica's first batch (a hung one: its ring's Describe or first reply). A
   * deadline after batches came is the caller's own stream deadline, raised.
   */
  private boolean passed(Status.Code code) {
    return code == Status.Code.UNAVAILABLE || (code == Status.Code.DEADLINE_EXCEEDED
        && delivered == deliveredBefore && replicas.size() > 1);
  }

  @Override
  public boolean hasNext() {
    try {
      if (!stopped() && same.fingerprint() == null && replicas.size() > 1) {
        // Decided before the first batch: one replica's first batch would split a job.
        same.decided(inCalls(() -> replicas.fingerprint(request.getDataset(), window,
            this::stopped)));
      }
      return !stopped() && retrying(() -> current() != null && current().hasNext());
    } catch (StatusRuntimeException e) {
      if (stopped()) {
        return false; // closed by another thread: the iteration ends, as Python's does
      }
      throw e;
    }
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no next batch: " + (stopped() ? whyClosed()
          : "the stream ended: every batch was read (hasNext() answers false)"));
    }
    Batch b;
    try {
      b = retrying(() -> same.check(kept(current().next()), replicas.targets().get(replica)));
    } catch (StatusRuntimeException e) {
      if (stopped()) {
        throw new NoSuchElementException("no next batch: " + whyClosed());
      }
      throw e;
    }
    if (delivered == deliveredBefore) {
      replicas.silent().answered(replica);
    }
    delivered++;
    samples += b.size();
    failures = 0;
    otherData = false;
    window.close();
    return b;
  }

  /**
   * {@code b}, the fingerprint decided first when it was not (one replica): the job's, once a
   * stream or epoch before took one, else {@code b}'s, which then is, so that a server restarted
   * with other data between epochs is refused rather than streamed.
   */
  private Batch kept(Batch b) {
    if (same.fingerprint() == null) {
      same.decided(replicas.keep(request.getDataset(), b.fingerprint()));
    }
    return b;
  }

  /**
   * The samples this rank's stream holds in all, as far as the servers said: those delivered
   * before the stream now read began, and that stream's own (0 until its first batch).
   */
  public long streamSamples() {
    BatchIterator now = current;
    return now == null ? samples : samplesBefore + now.streamSamples();
  }

  /** The replica now streaming (an index into {@link FgbgReplicas#targets()}). */
  public int replica() {
    return replica;
  }

  /** How many times this rank moved to another replica. */
  public int failovers() {
    return failovers;
  }

  /** Whether it or its replicas were closed (by any thread). */
  private boolean stopped() {
    return closed || replicas.closed.get();
  }

  private String whyClosed() {
    return closed ? "this FailoverBatchIterator was closed" : "its FgbgReplicas was closed";
  }

  @Override
  public void close() {
    closed = true;
    calls.cancel(null); // a call in flight ends now, its reader's thread with it
    closeCurrent();
  }

  private void closeCurrent() {
    BatchIterator now = current;
    if (now != null) {
      now.close();
    }
  }
}
