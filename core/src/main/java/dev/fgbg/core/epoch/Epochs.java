package dev.fgbg.core.epoch;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.sampling.EpochPlan;

/** One rank's part of an epoch as a delivery {@link Plan}. */
public final class Epochs {
  private Epochs() {}

  /**
   * Rank {@code r.rank()}'s part of the epoch of {@code d}, in the epoch's order (shuffled or
   * not); a bad request field is an INVALID_ARGUMENT naming it.
   */
  public static Plan plan(Dataset d, EpochRequest r) {
    EpochPlan plan = new EpochPlan(d.size(), r.batchSize(), r.rank(), r.worldSize(),
        r.startPosition(), r.startBatch(), r.dropLast(), r.limit());
    return Plan.epoch(plan, new EpochPermutation(d.size(), r.seed(), r.epoch(), r.shuffle()));
  }
}
