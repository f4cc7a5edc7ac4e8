package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO where an export opens its manifest, through the real service (real mkfifo): it once
 * hung the export thread in open(2), past its deadline, holding the destination's lock and its
 * slot, so that every later export there was "being written by another export" until a
 * restart. It is FAILED_PRECONDITION naming the FIFO, and nothing stays held.
 */
@ExtendWith(LogCapture.Clean.class)
class FifoExportTest {
  @TempDir
  Path root;

  private static ExportRequest request() {
    return ExportRequest.newBuilder().setDataset("tiny").setEnd(5).setOverwrite(true)
        .setFormat(ExportFormat.EXPORT_FORMAT_ZIP).setDestination("f1").build();
  }

  private static List<ExportProgress> export(TestServer s) {
    List<ExportProgress> out = new ArrayList<>();
    FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .export(request()).forEachRemaining(out::add);
    return out;
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a guard: FIFOs hang
  void aFifoAsTheManifestIsAFailedPreconditionNamingItAndHoldsNothing() throws Exception {
    Path fifo = Files.createDirectories(root.resolve("f1")).resolve("manifest.json");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
    try (TestServer s = TestServer.inProcess(TestDatasets.registry(), 1, root)) {
      for (int i = 0; i < 2; i++) { // the second finds no lock left held
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> export(s));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
        assertEquals("'f1/manifest.json' is not a regular file (a FIFO, socket or device); "
            + "exports never open one: remove it and run the export again (writing f1)",
            e.getStatus().getDescription());
      }
      Files.delete(fifo);
      List<ExportProgress> done = export(s);
      assertTrue(done.get(done.size() - 1).getFinished(), done.toString());
    }
  }
}
