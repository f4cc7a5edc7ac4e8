package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.StreamEpochRequest;
import org.junit.jupiter.api.Test;

/** The resume rule: its arithmetic, and a stream resumed by it through a real server. */
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

  /** The digest and sample count of {@code n} batches at most of {@code r}, then closed. */
  private static long[] take(FgbgClient c, StreamEpochRequest r, int n, SampleDigest d) {
    long batches = 0;
    long samples = 0;
    try (BatchIterator it = c.streamEpoch(r)) {
      while (batches < n && it.hasNext()) {
        Batch b = it.next();
        d.add(b.indices(), b.images(), b.masks(), b.depth());
        batches++;
        samples += b.size();
      }
    }
    return new long[] {batches, samples};
  }

  @Test
  void aStreamResumedByTheRuleIsTheUninterruptedStreamAndAUsedUpOneHasNoRest()
      throws Exception {
    // Written by hand, setLimit(limit - samples) sent limit 0 for a used-up limit: the whole
    // rest of the epoch.
    StreamEpochRequest limited = REQUEST.toBuilder().setLimit(150).build(); // 9 batches + 6
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2);
        FgbgClient c = FgbgClient.builder().target("localhost:" + server.server().port())
            .build()) {
      SampleDigest whole = new SampleDigest();
      assertEquals(150, take(c, limited, Integer.MAX_VALUE, whole)[1]);
      SampleDigest resumed = new SampleDigest();
      long[] done = take(c, limited, 4, resumed);
      assertEquals(64, done[1]);
      StreamEpochRequest rest = StreamResume.rest(limited, done[0], done[1]).orElseThrow();
      long[] after = take(c, rest, Integer.MAX_VALUE, resumed);
      assertEquals(86, after[1], "exactly the rest");
      assertEquals(whole.hex(), resumed.hex(), "the uninterrupted stream's samples and bytes");
      assertTrue(StreamResume.rest(limited, done[0] + after[0], 150).isEmpty(),
          "a used-up limit leaves nothing");
    }
  }
}
