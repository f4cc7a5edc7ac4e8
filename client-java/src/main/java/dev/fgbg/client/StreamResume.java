package dev.fgbg.client;

import dev.fgbg.v1.StreamEpochRequest;
import java.util.Optional;

/**
 * The one rule by which a rank's interrupted stream is asked for again (the Python client's
 * {@code fgbg.resume} is the same rule); {@link FailoverBatchIterator} uses it, and so should a
 * trainer that resumes from its own checkpoint. A request names a rank's batches from
 * {@code start_batch} (counted from {@code start_position}, in the rank's own order) up to
 * {@code limit} samples (0: to the end of the epoch). A client counts what it delivered: whole
 * batches only (a batch whose chunks did not all arrive was never delivered and is asked for
 * again whole). The rest is {@code start_batch} + batches delivered and {@code limit} − samples
 * delivered (when a limit was set), everything else unchanged: rank r of w keeps taking
 * positions {@code start_position + r + j·w} from the same j on, and the batch numbering goes
 * on. A used-up limit leaves nothing: written by hand, {@code setLimit(limit - samples)} would
 * send limit 0, "to the end", and stream the whole rest of the epoch.
 *
 * <pre>{@code
 * // checkpointed: the request, and the batches and samples the trainer had taken from it
 * Optional<StreamEpochRequest> rest = StreamResume.rest(request, batchesDone, samplesDone);
 * if (rest.isPresent()) {
 *   try (BatchIterator it = client.streamEpoch(rest.get())) { ... }
 * } // else: the stream was done
 * }</pre>
 */
public final class StreamResume {
  private StreamResume() {
  }

  /**
   * The request for the rest of {@code request} once {@code batchesDone} whole batches holding
   * {@code samplesDone} samples were delivered from it; empty when nothing is left (its limit
   * is used up). An epoch without a limit always has a rest: a stream past its end is empty.
   *
   * @param request the request the stream was started with
   * @param batchesDone whole batches delivered from it (a partly received batch does not count)
   * @param samplesDone the samples in those batches
   * @return the request for the rest, or empty when nothing is left
   * @throws IllegalArgumentException when the counts cannot be a stream's (fewer samples than
   *     batches, more samples than the limit)
   */
  public static Optional<StreamEpochRequest> rest(StreamEpochRequest request, long batchesDone,
      long samplesDone) {
    if (batchesDone < 0 || samplesDone < batchesDone) {
      throw new IllegalArgumentException("delivered " + batchesDone + " batches holding "
          + samplesDone + " samples: not a stream's count");
    }
    long limit = request.getLimit();
    if (limit > 0 && samplesDone > limit) {
      throw new IllegalArgumentException("delivered " + samplesDone + " samples past a limit of "
          + limit);
    }
    if (limit > 0 && samplesDone == limit) {
      return Optional.empty();
    }
    return Optional.of(request.toBuilder()
        .setStartBatch(request.getStartBatch() + batchesDone)
        .setLimit(limit > 0 ? limit - samplesDone : 0)
        .build());
  }
}
