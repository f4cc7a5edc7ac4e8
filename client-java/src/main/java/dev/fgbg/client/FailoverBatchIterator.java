package dev.fgbg.client;

import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One rank's batches across replicas: from its home replica until that one is unavailable, then
 * from the next, asking for the rest by {@link StreamResume}'s rule ({@code start_batch} past
 * every batch already delivered, {@code limit} less the samples in them), so no sample is lost
 * or repeated. It gives up when every replica in turn failed without delivering a batch, with
 * the last replica's status. Not thread-safe.
 */
public final class FailoverBatchIterator implements Iterator<Batch>, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(FailoverBatchIterator.class.getName());

  private final FgbgReplicas replicas;
  private final StreamEpochRequest request;
  private int replica;
  private BatchIterator current;
  private long delivered;
  private long samples;
  private boolean finished;
  private int failures;
  private int failovers;

  FailoverBatchIterator(FgbgReplicas replicas, StreamEpochRequest request) {
    this.replicas = replicas;
    this.request = request;
    this.replica = replicas.home(request.getRank());
  }

  /** The stream of what is left, or null when nothing is (a limit used up). */
  private BatchIterator current() {
    if (current == null && !finished) {
      Optional<StreamEpochRequest> rest = StreamResume.rest(request, delivered, samples);
      finished = rest.isEmpty();
      current = rest.map(r -> replicas.client(replica).streamEpoch(r)).orElse(null);
    }
    return current;
  }

  private <T> T retrying(Supplier<T> step) {
    while (true) {
      try {
        return step.get();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
            || ++failures >= replicas.size()) {
          throw e;
        }
        String from = replicas.targets().get(replica);
        close();
        current = null;
        replica = (replica + 1) % replicas.size();
        failovers++;
        LOG.info("rank " + request.getRank() + ": " + from + " is unavailable ("
            + e.getStatus().getDescription() + "); resuming at batch "
            + (request.getStartBatch() + delivered) + " on " + replicas.targets().get(replica));
      }
    }
  }

  @Override
  public boolean hasNext() {
    return retrying(() -> current() != null && current().hasNext());
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Batch b = retrying(() -> current().next());
    delivered++;
    samples += b.size();
    failures = 0;
    return b;
  }

  /** The replica now streaming (an index into {@link FgbgReplicas#targets()}). */
  public int replica() {
    return replica;
  }

  /** How many times this rank moved to another replica. */
  public int failovers() {
    return failovers;
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
    }
  }
}
