package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.StatsRequest;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * A ProgressIterator closed (in its loop, by a watchdog thread, by its client's close) answers
 * false from hasNext, as a BatchIterator does: before, grpc's raw "CANCELLED: io.grpc.Context
 * was cancelled without error" (or the closed channel's UNAVAILABLE) came out of its hasNext.
 */
class ProgressCloseTest {
  private static final String CLOSED = "no next progress message: this ProgressIterator was "
      + "closed (by its close() or its FgbgClient's)";
  private static final StatsRequest STATS = StatsRequest.newBuilder().setDataset("builtin")
      .build();

  @Test
  void closedByAWatchdogThreadItsReaderSeesNoNextMessage() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2);
         FgbgClient c = client(server)) {
      ProgressIterator<?> it = c.statsWithProgress(STATS);
      Thread watchdog = new Thread(it::close, "watchdog");
      watchdog.start();
      watchdog.join();
      assertClosed(it);
    }
  }

  @Test
  void closedInItsLoopAfterAMessageItSaysClosed() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2);
         FgbgClient c = client(server);
         ProgressIterator<?> it = c.statsWithProgress(STATS)) {
      it.next();
      it.close();
      assertClosed(it);
    }
  }

  @Test
  void closedByItsClientItsReaderSeesNoNextMessage() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2)) {
      FgbgClient c = client(server);
      ProgressIterator<?> it = c.statsWithProgress(STATS);
      c.close();
      assertClosed(it);
    }
  }

  private static FgbgClient client(TestServer server) {
    return FgbgClient.builder().target("localhost:" + server.server().port()).build();
  }

  private static void assertClosed(ProgressIterator<?> it) {
    assertFalse(it.hasNext());
    assertEquals(CLOSED, assertThrows(NoSuchElementException.class, it::next).getMessage());
  }
}
