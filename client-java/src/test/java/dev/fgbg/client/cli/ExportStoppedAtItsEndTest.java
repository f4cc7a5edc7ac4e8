package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code fgbg export} stopped by SIGTERM once its export's last message (manifest complete)
 * came, though the call had not ended yet: the export is done, so the CLI prints its normal
 * summary and exits 0, rather than "stopped" and 143, which sent its user to run it again; so
 * does one whose call failed after that message.
 */
class ExportStoppedAtItsEndTest {
  private static final ExportProgress FINISHED = ExportProgress.newBuilder().setDone(40)
      .setTotal(40).setShardsDone(1).setShardsTotal(1).setFinished(true)
      .setManifest("e/manifest.json").setDigest("ab12").build();
  private static final List<String> SUMMARY = List.of("samples: 40",
      "shards: 1 (0 already complete)", "manifest: e/manifest.json " + ExportCommand.UNDER_ROOT,
      "digest: ab12");
  /** A server whose export sends its finished message, then ends the call UNAVAILABLE. */
  @Test
  void anExportCompleteBeforeItsCallFailedReportsItsSummary() throws Exception {
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new FgbgGrpc.FgbgImplBase() {
          @Override
          public void export(ExportRequest request, StreamObserver<ExportProgress> response) {
            response.onNext(FINISHED);
            response.onError(Status.UNAVAILABLE.withDescription("the server is shutting down")
                .asRuntimeException());
          }
        }).build().start();
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, FgbgCli.run(new String[] {"export", "--target", "127.0.0.1:"
          + server.getPort(), "--dest", "e", "--format", "npy", "--range", "0:40"}));
    } finally {
      System.setOut(old);
      server.shutdownNow();
    }
    assertEquals(SUMMARY, out.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void anExportCompleteWhenTheSignalComesReportsItsSummaryAndExitsZero() throws Exception {
    // A server whose export sends its finished message and then holds the call open: the
    // moment between the manifest's completion and the call's end, made to last.
    Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new FgbgGrpc.FgbgImplBase() {
          @Override
          public void export(ExportRequest request, StreamObserver<ExportProgress> response) {
            response.onNext(FINISHED);
          }
        }).build().start();
    try {
      Process p = CliProcess.of("export", "--target", "127.0.0.1:" + server.getPort(),
          "--dest", "e", "--format", "npy", "--range", "0:40").redirectErrorStream(true)
          .start();
      List<String> lines = CliProcess.terminatedAt(p, p.getInputStream(), "progress: 40/40");
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the CLI stops");
      String all = String.join("\n", lines);
      assertEquals(0, p.exitValue(), all);
      assertFalse(all.contains("stopped"), all);
      assertTrue(lines.containsAll(SUMMARY), all);
    } finally {
      server.shutdownNow();
    }
  }
}
