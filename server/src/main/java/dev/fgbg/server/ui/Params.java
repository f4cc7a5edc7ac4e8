package dev.fgbg.server.ui;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;

/** The parameters every page shares: which dataset, which seed, which sample. */
final class Params {
  private Params() {}

  /** {@code dataset}, or the first dataset served when it is absent. */
  static Dataset dataset(Query q, DatasetRegistry registry) {
    if (!q.has("dataset")) {
      return registry.all().iterator().next();
    }
    try {
      return registry.get(q.string("dataset", ""));
    } catch (FgbgException e) {
      throw HttpFailure.badRequest("parameter 'dataset': " + e.getMessage());
    }
  }

  /**
   * {@code seed}: a uint64 as GetSamples and StreamEpoch take it, [0, 2^64 - 1] held in a
   * long's bits (shown with {@link #shown}), 0 when absent.
   */
  static long seed(Query q) {
    return q.unsigned("seed", 0);
  }

  /** A seed as the API and the pages write it: unsigned. */
  static String shown(long seed) {
    return Long.toUnsignedString(seed);
  }

  /** {@code index}: required, in [0, N) of {@code d}. */
  static long index(Query q, Dataset d) {
    return Query.parse("index", q.required("index"), 0, d.size() - 1);
  }
}
