package dev.fgbg.server.metrics;

import static dev.fgbg.server.metrics.ServerMetricsTest.scrape;
import static dev.fgbg.server.metrics.ServerMetricsTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refusal whose words quote a client's name that reads like a full disk ("quota exceeded")
 * is that refusal, not a full disk: not said to the client, in the end line nor counted in
 * fgbg_disk_full_total.
 */
@ExtendWith(LogCapture.Clean.class)
class DiskFullWordsTest {
  @TempDir
  Path dir;

  @Test
  void namesThatReadLikeAFullDiskAreNotAFullDisk() throws Exception {
    Path exports = Files.createDirectories(dir.resolve("exports"));
    // A file where the destination's folder would go: the export is refused, naming it.
    Files.writeString(exports.resolve("no space left on device"), "x");
    ServerOptions o = ServerOptions.builder().port(0).workers(2).exportRoot(exports)
        .builtin(new BuiltinConfig(16, 16, 20, 100, 100, "", "", ""))
        .metrics("127.0.0.1", 0).build();
    try (LogCapture log = new LogCapture();
        FgbgApplication app = FgbgApplication.create(o).start()) {
      ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", app.port())
          .usePlaintext().build();
      try {
        var stub = FgbgGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
        List<Status.Code> codes = new ArrayList<>();
        for (String[] r : List.of(new String[] {"quota exceeded", "out"},
            new String[] {"builtin", "no space left on device/x"},
            new String[] {"builtin", "quota exceeded/../../x"})) {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
              () -> stub.export(ExportRequest.newBuilder().setDataset(r[0]).setEnd(10)
                  .setFormat(ExportFormat.EXPORT_FORMAT_ZIP).setDestination(r[1]).build())
                  .forEachRemaining(p -> { }));
          assertFalse(e.getStatus().getDescription().contains("disk full"), e.getStatus()
              .toString());
          codes.add(e.getStatus().getCode());
        }
        // The file in the way was "export stopped: disk full while writing ... (no space left
        // on device: not a folder): free some space", and counted as a full disk.
        assertEquals(List.of(Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION,
            Status.Code.PERMISSION_DENIED), codes);
        String text = scrape(app.metricsPort());
        assertEquals(0, value(text, "fgbg_disk_full_total", "where=\"export\""), text);
        assertEquals(0, value(text, "fgbg_disk_full_total", "where=\"photo_cache\""), text);
        List<String> ends = log.records().stream()
            .filter(r -> r.getMessage().contains("disk full")).map(r -> r.getMessage()).toList();
        assertEquals(List.of(), ends);
      } finally {
        ch.shutdownNow();
      }
    }
  }
}
