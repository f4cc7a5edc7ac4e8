package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A client that goes away mid-stream, over real Netty: one debug line, no warning, no trace. */
class QuietCancelsTest {
  @Test
  void aCancelledStreamLogsOneDebugLineAndNoTrace() throws Exception {
    Logger streamer = Logger.getLogger(CallSink.class.getName());
    Level was = streamer.getLevel();
    streamer.setLevel(Level.FINE);
    LogCapture log = new LogCapture();
    try {
      try (TestServer s = TestServer.netty(TestDatasets.registry(), 2)) {
        StreamStats stats = s.server().stats();
        for (int k = 1; k <= 3; k++) {
          // Chunks of 4 MiB: the server has data queued behind the HTTP/2 window when the
          // client's connection goes.
          LoopbackClient client = new LoopbackClient(s.server().port());
          ClientCall<StreamEpochRequest, SampleBatch> call = client.channel().newCall(
              FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT.withDeadlineAfter(60,
                  TimeUnit.SECONDS));
          CountDownLatch first = new CountDownLatch(1);
          call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(SampleBatch message) {
              first.countDown();
            }
          }, new Metadata());
          call.request(1);
          call.sendMessage(StreamEpochRequest.newBuilder().setDataset("builtin")
              .setBatchSize(64).build());
          call.halfClose();
          assertTrue(first.await(30, TimeUnit.SECONDS));
          int cancels = k;
          assertTrue(stats.await(() -> stats.snapshot().readyWaits() >= cancels,
              Duration.ofSeconds(30)));
          client.close(); // the connection goes with data still queued for it
          assertTrue(stats.await(() -> stats.snapshot().streamsCancelled() >= cancels,
              Duration.ofSeconds(30)));
        }
      } // stopped: the transport has handled every close
      List<LogRecord> records = log.records();
      List<LogRecord> loud = records.stream()
          .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()
              || r.getThrown() != null).toList();
      assertEquals(List.of(), loud.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()
          + " " + r.getThrown()).toList());
      List<LogRecord> lines = records.stream()
          .filter(r -> r.getLoggerName().equals(CallSink.class.getName())).toList();
      assertEquals(3, lines.size(), "one line per cancelled stream");
      for (LogRecord r : lines) {
        assertEquals(Level.FINE, r.getLevel());
        assertTrue(r.getMessage().startsWith("StreamEpoch cancelled by the client after "),
            r.getMessage());
      }
    } finally {
      log.close();
      streamer.setLevel(was);
    }
  }
}
