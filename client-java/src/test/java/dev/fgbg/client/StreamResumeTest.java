package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.StreamEpochRequest;
import org.junit.jupiter.api.Test;

class StreamResumeTest {
  private static final StreamEpochRequest REQUEST = StreamEpochRequest.newBuilder()
      .setDataset("builtin").setSeed(3).setEpoch(2).setShuffle(true).setBatchSize(16).setRank(1)
      .setWorldSize(3).setStartPosition(30).setStartBatch(2).setDropLast(true).build();

  @Test
  void theRestStartsPastTheDeliveredBatchesWithEverythingElseKept() {
    StreamEpochRequest rest = StreamResume.rest(REQUEST, 5, 80).orElseThrow();
    assertEquals(REQUEST.toBuilder().setStartBatch(7).build(), rest);
    assertEquals(0, rest.getLimit(), "no limit stays no limit");
    assertEquals(REQUEST, StreamResume.rest(REQUEST, 0, 0).orElseThrow());
  }

  @Test
  void aLimitIsReducedByTheSamplesDeliveredAndEndsTheStreamWhenUsedUp() {
    StreamEpochRequest limited = REQUEST.toBuilder().setLimit(100).build();
    assertEquals(limited.toBuilder().setStartBatch(5).setLimit(52).build(),
        StreamResume.rest(limited, 3, 48).orElseThrow());
    assertTrue(StreamResume.rest(limited, 7, 100).isEmpty(),
        "nothing is left: limit 0 would mean the rest of the epoch");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StreamResume.rest(limited, 7, 101));
    assertEquals("delivered 101 samples past a limit of 100", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StreamResume.rest(limited, 3, 2));
    assertEquals("delivered 3 batches holding 2 samples: not a stream's count", e.getMessage());
  }
}
