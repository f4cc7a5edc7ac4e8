package dev.fgbg.server.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The UI's stop waits a while at most for a Stats run that cannot end its reply (a browser that
 * reads nothing), in real time: before, the wait was read on the server's ticker, and with a
 * ticker that stands still (as WebUiSignInTest's whole server has) the stop never returned
 * (this test, then given such a ticker, failed).
 */
class OpenRunsTest {
  @Test
  void theStopReturnsWhileARunCannotWriteItsReply() throws Exception {
    OpenRuns open = new OpenRuns();
    PipedInputStream browser = new PipedInputStream(16); // it never reads
    PipedOutputStream reply = new PipedOutputStream(browser);
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
      try {
        open.track(out -> {
          running.countDown();
          StatsPage.send(out, "failure", new StatsPage.Failure(OpenRuns.stopped().getMessage()));
        }).write(reply);
      } catch (IOException e) {
        // the browser's end closed: this test's cleanup
      }
    });
    try {
      assertTrue(running.await(60, TimeUnit.SECONDS), "the run began");
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
        try {
          open.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      stopping.get(60, TimeUnit.SECONDS); // before: a TimeoutException
      assertTrue(open.stopping());
      assertFalse(run.isDone(), "the run still writes: the stop returned on its bound");
    } finally {
      browser.close(); // the run's write fails, and it ends
      run.get(60, TimeUnit.SECONDS);
    }
  }
}
