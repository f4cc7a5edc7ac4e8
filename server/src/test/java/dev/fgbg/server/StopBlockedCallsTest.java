package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * A stop whose grace runs out while the streams and exports under way cannot notice it (every
 * render thread busy: an export waits for its renders, as on a loaded server or a slow disk)
 * still ends each with UNAVAILABLE in words and the export with one end line (an export still
 * queued, in words too, with none: it never started), never the
 * transport's bare reset (CANCELLED) and a log silent about the export; and the stop's last
 * line, logged when its work is done, says what still runs for the exit to cut off.
 */
class StopBlockedCallsTest {
  private static final int THREADS = 2;

  /** Opens a stream that reads everything; completes with its status. */
  static CompletableFuture<Status> stream(TestServer s, CountDownLatch first) {
    return call(s, FgbgGrpc.getStreamEpochMethod(), StreamEpochRequest.newBuilder()
        .setDataset("builtin").setBatchSize(16).build(), first);
  }

  /** Starts an export of many samples; completes with its status once it ends. */
  private static CompletableFuture<Status> export(TestServer s, String dest,
      CountDownLatch first) {
    return call(s, FgbgGrpc.getExportMethod(), ExportRequest.newBuilder().setDataset("builtin")
        .setStart(0).setEnd(20_000).setFormat(ExportFormat.EXPORT_FORMAT_NPY)
        .setDestination(dest).build(), first);
  }

  /**
   * Calls {@code method} with {@code request}, reading every reply; counts {@code first} down
   * at its first reply and completes with its status.
   */
  static <Q, R> CompletableFuture<Status> call(TestServer s,
      MethodDescriptor<Q, R> method, Q request, CountDownLatch first) {
    CompletableFuture<Status> end = new CompletableFuture<>();
    ClientCall<Q, R> call = s.channel().newCall(method,
        CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
    call.start(new ClientCall.Listener<>() {
      private boolean started;

      @Override
      public void onMessage(R message) {
        if (!started) { // each call counts once: a stream's many messages are not two starts
          started = true;
          first.countDown();
        }
        call.request(1);
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        end.complete(status);
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(request);
    call.halfClose();
    return end;
  }

  /**
   * Holds every render thread until {@code release} (or, if {@code deaf} is false, until the
   * stop interrupts them); returns once all are held.
   */
  private static void holdRenderThreads(ExecutorService pool, CountDownLatch release,
      boolean deaf) throws InterruptedException {
    CountDownLatch held = new CountDownLatch(THREADS);
    for (int t = 0; t < THREADS; t++) {
      pool.execute(() -> {
        held.countDown();
        while (true) {
          try {
            release.await();
            return;
          } catch (InterruptedException e) {
            if (!deaf) {
              return;
            }
          }
        }
      });
    }
    assertTrue(held.await(30, TimeUnit.SECONDS), "the render threads were not all held");
  }

  @Test
  void callsThatCannotStopInTimeStillEndUnavailableInWordsWithOneEndLine() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    // Two exports run at once; a third waits in the queue (a client alone runs on every place
    // of --max-exports 2).
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(THREADS)
             .load(LoadOptions.builder().maxExports(2).build())
             .shutdownGrace(Duration.ofMillis(200)).build())) {
      CountDownLatch firsts = new CountDownLatch(3);
      CompletableFuture<Status> stream = stream(s, firsts);
      List<CompletableFuture<Status>> exports = List.of(export(s, "a", firsts),
          export(s, "b", firsts));
      assertTrue(firsts.await(60, TimeUnit.SECONDS), "the calls did not start");
      CompletableFuture<Status> queued = export(s, "q", new CountDownLatch(1));
      for (int i = 0; i < 600 && s.server().exportAdmission().queued() < 1; i++) {
        Thread.sleep(50);
      }
      assertEquals(1, s.server().exportAdmission().queued(), "the third export queues");
      holdRenderThreads(s.application().workers(), release, false);
      try {
        s.application().close("test", null);
      } finally {
        release.countDown();
      }
      for (CompletableFuture<Status> e : exports) {
        Status st = e.get(30, TimeUnit.SECONDS);
        assertEquals(Status.Code.UNAVAILABLE, st.getCode(), st.toString());
        assertTrue(st.getDescription().startsWith("the server is shutting down and its "
            + "--shutdown-grace ran out with this export running; run the same export again"),
            st.getDescription());
      }
      Status q = queued.get(30, TimeUnit.SECONDS);
      assertEquals(Status.Code.UNAVAILABLE, q.getCode(), q.toString());
      assertTrue(q.getDescription().startsWith("the server is shutting down and its "
          + "--shutdown-grace ran out with this call still queued (it never started)"),
          q.getDescription());
      Status st = stream.get(30, TimeUnit.SECONDS);
      assertEquals(Status.Code.UNAVAILABLE, st.getCode(), st.toString());
      assertTrue(st.getDescription().startsWith("the server is shutting down and its "
          + "--shutdown-grace ran out with this stream running"), st.getDescription());
      // The end lines are written by the time the stop returns: the exit would cut off later.
      for (String dest : List.of("a", "b")) {
        List<String> ends = log.records().stream()
            .map(LogRecord::getMessage)
            .filter(m -> m.startsWith("export to '" + dest + "' stopped: the server is "
                + "stopping (run it again to resume): ")).toList();
        assertEquals(1, ends.size(), log.records().stream().map(LogRecord::getMessage)
            .toList().toString());
      }
      assertTrue(stopLine(log).startsWith("stopped after "));
      log.assertNoTraces();
    }
  }

  /** The stop's last line. */
  private static String stopLine(LogCapture log) {
    List<String> lines = log.records().stream().map(LogRecord::getMessage)
        .filter(m -> m.startsWith("stopped after ")).toList();
    assertEquals(1, lines.size(), lines.toString());
    return lines.get(0);
  }

  @Test
  void theStopLineNamesWhatStillRunsWhenItIsLogged() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(THREADS)
             .shutdownGrace(Duration.ofMillis(100)).build())) {
      CountDownLatch first = new CountDownLatch(1);
      CompletableFuture<Status> export = export(s, "c", first);
      assertTrue(first.await(60, TimeUnit.SECONDS), "the export did not start");
      // Render threads deaf to the stop's interrupt: still running when the stop is done.
      holdRenderThreads(s.application().workers(), release, true);
      try {
        s.application().close("test", null);
        // Logged as the stop's last act, it says what the exit cuts off; the export's own
        // thread may still be waiting on those renders.
        String line = stopLine(log);
        assertTrue(line.matches("stopped after \\d+\\.\\d\\d s; still running, cut off by "
            + "the exit: (1 call thread \\(exports, Stats\\) and )?2 render threads"), line);
      } finally {
        release.countDown();
      }
      assertEquals(Status.Code.UNAVAILABLE, export.get(30, TimeUnit.SECONDS).getCode());
    }
  }
}
