package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.core.sampling.EpochPlan;
import dev.fgbg.v1.StreamEpochRequest;
import org.junit.jupiter.api.Test;

/** The CLI's count of a stream's samples is the server's, over a grid of shards and resumes. */
class StreamTotalTest {
  @Test
  void theCountIsTheServersEpochPlanCount() {
    int checked = 0;
    for (long size : new long[] {0, 1, 7, 120, 1000}) {
      for (int w : new int[] {1, 2, 3, 8}) {
        for (int rank = 0; rank < w; rank++) {
          for (int b : new int[] {1, 7, 64}) {
            for (long start : new long[] {0, 5, size}) {
              for (long startBatch : new long[] {0, 1, 3}) {
                for (boolean dropLast : new boolean[] {false, true}) {
                  for (long limit : new long[] {0, 5, 10_000}) {
                    if (start > size) {
                      continue;
                    }
                    EpochPlan plan;
                    try {
                      plan = new EpochPlan(size, b, rank, w, start, startBatch, dropLast, limit);
                    } catch (RuntimeException refused) {
                      continue; // start_batch past the end: the server says so
                    }
                    StreamEpochRequest r = StreamEpochRequest.newBuilder().setBatchSize(b)
                        .setRank(rank).setWorldSize(w).setStartPosition(start)
                        .setStartBatch(startBatch).setDropLast(dropLast).setLimit(limit).build();
                    assertEquals(plan.count(), StreamTotal.of(r, size), r.toString());
                    checked++;
                  }
                }
              }
            }
          }
        }
      }
    }
    assertEquals(true, checked > 1000, "checked " + checked);
  }
}
