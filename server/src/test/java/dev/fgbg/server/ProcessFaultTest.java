package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.status.FatalErrors;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Faults of the whole process: running out of memory, and SIGTERM with calls that hang on. */
class ProcessFaultTest {
  /**
   * Opens {@code n} streams that each take {@code take} messages and then stop reading (a
   * stream renders ahead in proportion to what its client has read).
   */
  private static void stalledReaders(ManagedChannel ch, int n, int take,
      CountDownLatch firsts) {
    for (int i = 0; i < n; i++) {
      ClientCall<StreamEpochRequest, SampleBatch> call = ch.newCall(
          FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT.withDeadlineAfter(5,
              TimeUnit.MINUTES));
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onMessage(SampleBatch message) {
          firsts.countDown();
        }
      }, new Metadata());
      call.request(take);
      call.sendMessage(StreamEpochRequest.newBuilder().setDataset("builtin").setEpoch(i)
          .setShuffle(true).setBatchSize(64).build());
      call.halfClose();
    }
  }

  @Test
  void runningOutOfMemoryEndsTheProcessForItsSupervisorToRestart() throws Exception {
    // A budget as large as the heap is a misconfiguration that lets rendered chunks fill it.
    // A small heap, so that the server's own footprint leaves room for only part of it. G1 by
    // name: a JVM with one core picks the serial collector, which counts 61 MiB of -Xmx64m
    // (a budget of 64 is refused), and a budget of 60 left room enough that it ran for minutes.
    try (ServerJvm s = new ServerJvm(List.of("-XX:+UseG1GC", "-Xmx64m"), "--builtin-counts",
        "4:4", "--workers", "2", "--window", "64", "--memory-budget-mb", "64")) {
      ManagedChannel ch = s.channel();
      try {
        // Generous: on a loaded machine the heap fills more slowly.
        // Readers that take many messages: their streams stay ready, and once past the 64 MB a
        // transport may take unread (214 one-sample messages) each renders a window of ever
        // larger pieces ahead, up to the budget.
        stalledReaders(ch, 24, 400, new CountDownLatch(24));
        // Most runs end within a minute; one in CI ran on for three (its heap never quite
        // filled): more readers then, rather than a longer wait for what may not come.
        if (!s.process.waitFor(90, TimeUnit.SECONDS)) {
          stalledReaders(ch, 24, 400, new CountDownLatch(24));
        }
        assertTrue(s.process.waitFor(150, TimeUnit.SECONDS), "the server is still running:\n"
            + s.log());
        assertEquals(FatalErrors.EXIT_CODE, s.process.exitValue(), s.log());
        assertTrue(s.log().contains("fgbg: fatal: " + OutOfMemoryError.class.getName()), s.log());
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void sigtermEndsTheProcessWithinItsGraceEvenWithCallsThatHangOn() throws Exception {
    try (ServerJvm s = new ServerJvm(List.of(), "--builtin-counts", "4:4", "--workers", "2",
        "--shutdown-grace", "1s")) {
      ManagedChannel ch = s.channel();
      try {
        CountDownLatch firsts = new CountDownLatch(4);
        stalledReaders(ch, 4, 1, firsts);
        assertTrue(firsts.await(60, TimeUnit.SECONDS));
        // SIGTERM through the handle: Process.destroy() would also close the pipe of its log.
        assertTrue(s.process.toHandle().destroy());
        // The grace (1 s), then calls are cancelled; the bound is grace + Main.STOP_SLACK.
        long bound = 1 + Main.STOP_SLACK.toSeconds() + 4;
        assertTrue(s.process.waitFor(bound, TimeUnit.SECONDS), "still running after " + bound
            + " s:\n" + s.log());
        assertTrue(s.log().contains("calls still running after 1000 ms; ending them with "
            + "UNAVAILABLE, then cancelling the rest"),
            s.log());
        // One line as the stop begins (why, what is open, the grace), one when it is done.
        assertTrue(s.log().contains("INFO " + FgbgApplication.class.getName() + ": stopping "
            + "(SIGTERM); 4 streams and 0 exports open; calls get "
            + "--shutdown-grace 1000 ms"), s.log());
        assertTrue(s.log().matches("(?s).*INFO " + FgbgApplication.class.getName().replace(".",
            "\\.") + ": stopped after \\d+\\.\\d\\d s \\(\\d+\\.\\d\\d s since SIGTERM\\)"
            + "(\\R.*)?"), s.log());
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
