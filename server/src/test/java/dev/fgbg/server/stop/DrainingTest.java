package dev.fgbg.server.stop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.StreamReader;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server stopping past its grace (SIGTERM, a pod rolled) ends the streams and exports still
 * running with UNAVAILABLE naming why, which clients fail over on, not the transport's bare
 * CANCELLED.
 */
class DrainingTest {
  private static final Duration LONG = Duration.ofSeconds(60);

  /** The stop's line counts the calls it ended, not those that ended themselves meanwhile. */
  @Test
  void endAllCountsOnlyTheCallsItEnded() {
    Draining draining = new Draining();
    int[] ends = new int[2];
    draining.track(() -> { }, () -> ++ends[0] > 0);
    draining.track(() -> { }, () -> ++ends[1] < 0); // its own end came first: not ended here
    Runnable untracked = draining.track(() -> { }, () -> true);
    untracked.run();
    assertEquals(1, draining.endAll());
    assertEquals(1, ends[0]);
    assertEquals(1, ends[1]);
  }

  @Test
  void streamsAndExportsRunningWhenTheGraceRunsOutEndUnavailable() throws Exception {
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 2)) {
      StreamReader stream = new StreamReader(s.channel(), StreamEpochRequest.newBuilder()
          .setDataset("builtin").setBatchSize(16).build(), -1, 1, LONG);
      assertTrue(StreamReader.await(stream.first, LONG));
      Iterator<ExportProgress> export = FgbgGrpc.newBlockingStub(s.channel())
          .withDeadlineAfter(60, TimeUnit.SECONDS).export(ExportRequest.newBuilder()
              .setDataset("builtin").setStart(0).setEnd(20_000)
              .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("cut").build());
      assertTrue(export.hasNext(), "the export started");
      CompletableFuture<Status> exportEnd = CompletableFuture.supplyAsync(() -> {
        try {
          export.forEachRemaining(p -> { });
          return Status.OK;
        } catch (StatusRuntimeException e) {
          return e.getStatus();
        }
      });
      s.server().stop(Duration.ofMillis(200));
      assertTrue(StreamReader.await(stream.closed, LONG));
      assertEquals(Status.Code.UNAVAILABLE, stream.status.getCode(), stream.status.toString());
      assertTrue(stream.status.getDescription().startsWith("the server is shutting down and its "
          + "--shutdown-grace ran out with this stream running"), stream.status.getDescription());
      Status e = exportEnd.get(60, TimeUnit.SECONDS);
      assertEquals(Status.Code.UNAVAILABLE, e.getCode(), e.toString());
      assertTrue(e.getDescription().contains("this export running; run the same export again"),
          e.getDescription());
    }
  }
}
