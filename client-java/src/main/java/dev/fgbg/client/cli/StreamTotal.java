package dev.fgbg.client.cli;

import dev.fgbg.v1.StreamEpochRequest;

/**
 * How many samples a StreamEpoch request sends, for {@code stream}'s progress: the server's
 * rule (core's EpochPlan, which the client does not depend on; StreamTotalTest holds the two
 * equal). Rank r of w takes positions {@code start_position + r + j·w}; with drop_last every
 * rank the same whole number of batches; start_batch skips whole batches; limit caps the rest.
 */
final class StreamTotal {
  private StreamTotal() {}

  /** Samples {@code r} streams of a dataset of {@code size}; 0 for a request the server refuses. */
  static long of(StreamEpochRequest r, long size) {
    int w = Math.max(1, r.getWorldSize());
    long b = r.getBatchSize();
    long remaining = size - r.getStartPosition();
    if (b < 1 || r.getRank() < 0 || r.getRank() >= w || remaining < 0) {
      return 0; // the server names what is wrong
    }
    long rankTotal;
    if (r.getDropLast()) {
      long per = remaining / w;
      rankTotal = per - per % b;
    } else {
      rankTotal = remaining > r.getRank() ? (remaining - r.getRank() + w - 1) / w : 0;
    }
    long left = rankTotal - Math.min(rankTotal, Math.max(0, r.getStartBatch()) * b);
    return r.getLimit() > 0 ? Math.min(r.getLimit(), left) : left;
  }
}
