package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.rpc.FgbgServer;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export held in the step that completes a shard (its commit, its manifest entry, its report:
 * as on a slow or NFS disk, deaf to interrupts) while the server stops with a short grace, over
 * real Netty on loopback: the stop still ends it and the other call in words (UNAVAILABLE) and
 * returns. The step once ran under the call's one end, which the stop's end of each call waits
 * for: the stop hung, and no call after that export heard why.
 */
class ExportSlowCommitStopTest {
  /** The export service (not visible here), whose listener's completing runs each step. */
  private static final String EXPORTS = FgbgServer.class.getPackageName() + ".ExportService";

  private final AtomicBoolean armed = new AtomicBoolean();
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /**
   * The server's clock; once armed, its read inside an export's completing step (the report
   * the step makes after the shard's files and manifest) holds that step until released.
   */
  private long read() {
    if (armed.get() && inCompletingStep()) {
      held.countDown();
      boolean interrupted = false;
      while (release.getCount() > 0) {
        try {
          release.await();
        } catch (InterruptedException e) {
          interrupted = true; // a write on a hung disk does not return for an interrupt
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return System.nanoTime();
  }

  private static boolean inCompletingStep() {
    return StackWalker.getInstance().walk(frames -> frames.anyMatch(f ->
        f.getClassName().startsWith(EXPORTS)
            && f.getMethodName().equals("completing")));
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a guard: it hung
  void aStopEndsAnExportHeldInItsShardsCommitAndTheCallsAfterIt(@TempDir Path dir)
      throws Exception {
    Ticker ticker = this::read;
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
             .exportRoot(dir).ticker(ticker).shutdownGrace(Duration.ofMillis(200)).build())) {
      CountDownLatch firsts = new CountDownLatch(2);
      CompletableFuture<Status> export = StopBlockedCallsTest.call(s, FgbgGrpc.getExportMethod(),
          ExportRequest.newBuilder().setDataset("builtin").setEnd(20_000).setShardSize(16)
              .setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET).setDestination("slow").build(),
          firsts);
      CompletableFuture<Status> stream = StopBlockedCallsTest.stream(s, firsts);
      assertTrue(firsts.await(60, TimeUnit.SECONDS), "the calls did not start");
      armed.set(true);
      CompletableFuture<Void> stop;
      try {
        assertTrue(held.await(60, TimeUnit.SECONDS), "no shard's step was held");
        stop = CompletableFuture.runAsync(() -> s.application().close("test", null));
        stop.get(30, TimeUnit.SECONDS); // it hung here while the step held the call's end
        for (CompletableFuture<Status> c : List.of(export, stream)) {
          Status st = c.get(30, TimeUnit.SECONDS);
          assertEquals(Status.Code.UNAVAILABLE, st.getCode(), st.toString());
          assertTrue(st.getDescription().startsWith("the server is shutting down and its "
              + "--shutdown-grace ran out with this "), st.getDescription());
        }
        List<String> ends = log.records().stream().map(LogRecord::getMessage)
            .filter(m -> m.startsWith("export to 'slow' stopped: the server is stopping"))
            .toList();
        assertEquals(1, ends.size(), ends.toString());
      } finally {
        release.countDown();
      }
      log.assertNoTraces();
    }
  }
}
