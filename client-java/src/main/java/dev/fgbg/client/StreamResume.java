package dev.fgbg.client;

import dev.fgbg.v1.StreamEpochRequest;
import java.util.Optional;

/**
 * The one rule by which a rank's interrupted stream is asked for again (the Python client's
 * {@code fgbg.resume} is the same rule). A request names a rank's batches from
 * {@code start_batch} (counted from {@code start_position}, in the rank's own order) up to
 * {@code limit} samples (0: to the end of the epoch). A client counts what it delivered: whole
 * batches only (a batch whose chunks did not all arrive was never delivered and is asked for
 * again whole). The rest is {@code start_batch} + batches delivered and {@code limit} − samples
 * delivered (when a limit was set), everything else unchanged: rank r of w keeps taking
 * positions {@code start_position + r + j·w} from the same j on, and the batch numbering goes
 * on. A used-up limit leaves nothing (limit 0 would mean "to the end").
 */
final class StreamResume {
  private StreamResume() {
  }

  /**
   * The request for the rest of {@code request} once {@code batches} whole batches holding
   * {@code samples} samples were delivered from it; empty when its limit is used up.
   */
  static Optional<StreamEpochRequest> rest(StreamEpochRequest request, long batches,
      long samples) {
    if (batches < 0 || samples < batches) {
      throw new IllegalArgumentException("delivered " + batches + " batches holding " + samples
          + " samples: not a stream's count");
    }
    long limit = request.getLimit();
    if (limit > 0 && samples > limit) {
      throw new IllegalArgumentException("delivered " + samples + " samples past a limit of "
          + limit);
    }
    if (limit > 0 && samples == limit) {
      return Optional.empty();
    }
    return Optional.of(request.toBuilder()
        .setStartBatch(request.getStartBatch() + batches)
        .setLimit(limit > 0 ? limit - samples : 0)
        .build());
  }
}
