package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code fgbg stream} whose every sample asked for had come when a signal stopped it, or when
 * its call failed: the stream is whole, so the CLI prints its three lines unmarked and exits
 * 0. Before, it said "stopped" with a resume hint of {@code --limit 0}, which streams the rest
 * of the dataset. A relay passes a real server's batches on, then holds the call open or fails
 * it: the moment between the last batch and the call's end, made to last.
 */
class StreamWholeAtItsEndTest {
  private static TestServer backend;

  @BeforeAll
  static void start() {
    backend = TestServer.netty(TestDatasets.registry(), 2);
  }

  @AfterAll
  static void stop() throws Exception {
    backend.close();
  }

  /** Counted down once the relay passed a stream's last batch on. */
  private static volatile CountDownLatch passed = new CountDownLatch(1);

  /** A relay of the backend's StreamEpoch that ends the call with {@code end}, or never. */
  private static Server relay(Status end) throws Exception {
    passed = new CountDownLatch(1);
    return Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new FgbgGrpc.FgbgImplBase() {
          @Override
          public void streamEpoch(StreamEpochRequest request,
              StreamObserver<SampleBatch> response) {
            FgbgGrpc.newBlockingStub(backend.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                .streamEpoch(request).forEachRemaining(response::onNext);
            passed.countDown();
            if (end != null) {
              response.onError(end.asRuntimeException());
            }
          }
        }).build().start();
  }

  /** The summary lines (samples, digest) of a stream through {@code target}. */
  private static List<String> summary(String target) {
    String[] run = CliRun.run("stream", "--target", target, "--dataset", "tiny",
        "--batch-size", "8", "--limit", "40");
    assertEquals("0", run[0], run[2]);
    return summary(run[1].lines().toList());
  }

  private static List<String> summary(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("samples: ") || l.startsWith("digest: "))
        .toList();
  }

  @Test
  void aStreamWholeBeforeItsCallFailedPrintsItsLines() throws Exception {
    Server relay = relay(Status.UNAVAILABLE.withDescription("the server is shutting down"));
    try {
      assertEquals(summary("localhost:" + backend.server().port()),
          summary("localhost:" + relay.getPort()), "the whole stream's lines, unmarked");
    } finally {
      relay.shutdownNow();
    }
  }

  @Test
  void aStreamWholeWhenTheSignalComesPrintsItsLinesAndExitsZero() throws Exception {
    Server relay = relay(null);
    try {
      Process p = CliProcess.of("stream", "--target", "localhost:" + relay.getPort(),
          "--dataset", "tiny", "--batch-size", "8", "--limit", "40").redirectErrorStream(true)
          .start();
      assertTrue(passed.await(30, TimeUnit.SECONDS), "the relay passed the stream on");
      Thread.sleep(1000); // the CLI has read the last batch; its call stays open
      CliProcess.terminate(p);
      List<String> lines = new String(p.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8).lines().toList();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the CLI stops");
      String all = String.join("\n", lines);
      assertEquals(0, p.exitValue(), all);
      assertFalse(all.contains("stopped") || all.contains("partial"), all);
      assertEquals(summary("localhost:" + backend.server().port()), summary(lines), all);
    } finally {
      relay.shutdownNow();
    }
  }
}
