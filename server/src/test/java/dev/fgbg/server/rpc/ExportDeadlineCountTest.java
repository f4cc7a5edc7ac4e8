package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.ShardRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export cut by its client's deadline, over real Netty on loopback: the samples the client
 * was last told are kept are exactly those of the manifest's complete shards. A shard the
 * server completed as the deadline passed, after the client's last report, made the client's
 * count one shard short in about a third of such cuts; tiny shards (one chunk each) complete
 * every few milliseconds, so every cut lands near a completion.
 */
@ExtendWith(LogCapture.Clean.class)
class ExportDeadlineCountTest {
  private static final int CUTS = 12;

  @Test
  void aDeadlineCutTellsTheClientWhatItsCompleteShardsKeep(@TempDir Path dir) throws Exception {
    List<String> wrong = new ArrayList<>();
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .exportRoot(dir).build())) {
      // Warm: a cut's call reaches the server well within its deadline.
      FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
          .export(ExportRequest.newBuilder().setDataset("tiny").setEnd(20)
              .setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET).setDestination("warm").build())
          .forEachRemaining(p -> { });
      for (int cut = 0; cut < CUTS; cut++) {
        String dest = "cut" + cut;
        long told = 0;
        Iterator<ExportProgress> it = FgbgGrpc.newBlockingStub(s.channel())
            .withDeadlineAfter(1500 + 37 * cut, TimeUnit.MILLISECONDS)
            .export(ExportRequest.newBuilder().setDataset("builtin").setEnd(8000)
                .setShardSize(16).setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET)
                .setDestination(dest).build());
        try {
          while (it.hasNext()) {
            told = it.next().getKept();
          }
        } catch (StatusRuntimeException e) {
          assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
        }
        awaitEnds(log, cut + 2); // the server's export has ended: nothing more is written
        long kept = kept(dir.resolve(dest));
        assertTrue(kept < 8000, "the export was cut: " + kept);
        if (told != kept) {
          wrong.add(dest + ": told " + told + ", " + kept + " kept");
        }
      }
    }
    assertEquals(List.of(), wrong);
  }

  /** The samples of the complete shards manifest.json in {@code dest} lists (0: none yet). */
  private static long kept(Path dest) throws Exception {
    Path manifest = dest.resolve("manifest.json");
    if (!Files.exists(manifest)) {
      return 0;
    }
    ExportManifest.Builder m = ExportManifest.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(manifest), m);
    return m.getShardsList().stream().filter(ShardRecord::getComplete)
        .mapToLong(r -> r.getEnd() - r.getStart()).sum();
  }

  /** Waits for the export service's {@code n}th end line ("… samples kept …"). */
  private static void awaitEnds(LogCapture log, int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ends(log) < n && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertEquals(n, ends(log), "end lines");
  }

  private static long ends(LogCapture log) {
    return log.of(ExportService.class.getName()).stream().map(LogRecord::getMessage)
        .filter(m -> m.contains(" samples kept")).count();
  }
}
