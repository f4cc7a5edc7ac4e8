package dev.fgbg.server.rpc;

import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.server.LogCapture;
import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built-in dataset's stream digests, as {@code ./fgbg stream} prints them (seed 0,
 * unshuffled). If one changes, a sample's bytes changed: that is a new generator version.
 */
@ExtendWith(LogCapture.Clean.class)
class GoldenStreamTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.inProcess(new DatasetRegistry(List.of(TestDatasets.builtin())), 2);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    server.close();
  }

  @ParameterizedTest
  @CsvSource({
      "0, 64, 2c3372422de92d2afc7968a3d78f78e02346ebe8e3fbc8cffdf8143876ca684a",
      "397000, 17, bba77449ccdd4fb1ae009b2522e11dce4045de4a8865d4c753482655a0b3df61"})
  void streamDigestsArePinned(long startPosition, int batchSize, String digest) {
    Iterator<SampleBatch> it = FgbgGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(120, TimeUnit.SECONDS)
        .streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(0)
            .setBatchSize(batchSize).setStartPosition(startPosition).setLimit(3000).build());
    SampleDigest d = new SampleDigest();
    while (it.hasNext()) {
      SampleBatch b = it.next();
      d.add(b.getIndicesList(), b.getImages(), b.getMasks(), b.getDepth());
    }
    assertEquals(3000, d.count());
    assertEquals(digest, d.hex());
  }
}
