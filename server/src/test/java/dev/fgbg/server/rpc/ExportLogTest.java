package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.export.ExportLimits;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.observe.RefusalLog;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.ShardRecord;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports in the log, over real Netty on loopback: one INFO line when each starts and one when
 * it ends (finished, cancelled, failed and why), no stack trace.
 */
@ExtendWith(LogCapture.Clean.class)
class ExportLogTest {
  /** What an end line says of the samples kept when they are not all. */
  private static final String REDONE = " \\(in complete shards; a resume redoes the rest\\)";

  private static List<String> lines(LogCapture log) {
    return log.of(ExportService.class.getName()).stream().filter(r -> r.getLevel() == Level.INFO
        || r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
  }

  private static List<String> await(LogCapture log, int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lines(log).size() < n && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    return lines(log);
  }

  private static FgbgGrpc.FgbgBlockingStub stub(TestServer s) {
    return FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  @Test
  void anExportThatFinishesOrIsCancelledLogsItsStartAndEnd() throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      stub(s).export(ExportRequest.newBuilder().setDataset("tiny").setEnd(20)
          .setFormat(ExportFormat.EXPORT_FORMAT_ZIP).setDestination("small").build())
          .forEachRemaining(p -> { });
      List<String> lines = await(log, 2);
      assertEquals(2, lines.size(), lines.toString());
      assertEquals("export to 'small' started for 127.0.0.1: zip, 20 samples of dataset 'tiny'",
          lines.get(0));
      assertTrue(lines.get(1).matches("export to 'small' finished: 20 of 20 samples kept in "
          + "[0-9.]+ s"), lines.get(1));

      // Cancelled by its client at its first progress message.
      try (Context.CancellableContext c = Context.current().withCancellation()) {
        c.run(() -> {
          Iterator<ExportProgress> it = stub(s).export(ExportRequest.newBuilder()
              .setDataset("builtin").setEnd(20_000).setFormat(ExportFormat.EXPORT_FORMAT_NPY)
              .setDestination("big").build());
          it.next();
          c.cancel(null);
        });
      }
      lines = await(log, 4);
      assertEquals(4, lines.size(), lines.toString());
      assertEquals("export to 'big' started for 127.0.0.1: npy, 20000 samples of dataset "
          + "'builtin'", lines.get(2));
      assertTrue(lines.get(3).matches("export to 'big' cancelled by the client: [0-9]+ of 20000 "
          + "samples kept" + REDONE + " in [0-9.]+ s"), lines.get(3));

      // Cut by its deadline: said so, not taken for the client's own cancel.
      StatusRuntimeException cut = assertThrows(StatusRuntimeException.class, () -> FgbgGrpc
          .newBlockingStub(s.channel()).withDeadlineAfter(700, TimeUnit.MILLISECONDS)
          .export(ExportRequest.newBuilder().setDataset("builtin").setEnd(20_000)
              .setFormat(ExportFormat.EXPORT_FORMAT_NPY).setDestination("late").build())
          .forEachRemaining(p -> { }));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, cut.getStatus().getCode());
      lines = await(log, 6);
      assertTrue(lines.get(5).matches("export to 'late' ended by the client's deadline: [0-9]+ "
          + "of 20000 samples kept" + REDONE + " in [0-9.]+ s"), lines.get(5));

      // A destination outside the root is refused before anything starts: no line says it did.
      StatusRuntimeException out = assertThrows(StatusRuntimeException.class, () -> stub(s)
          .export(ExportRequest.newBuilder().setDataset("tiny").setEnd(20)
              .setFormat(ExportFormat.EXPORT_FORMAT_ZIP).setDestination("../out").build())
          .forEachRemaining(p -> { }));
      assertEquals(Status.Code.PERMISSION_DENIED, out.getStatus().getCode());
      assertEquals(6, lines(log).size(), lines(log).toString());
    }
  }

  @Test
  void anExportThatFailsLogsWhyWithoutATrace(@TempDir Path dir) throws Exception {
    // A real small disk where this may mount one; else the per-export quota refuses it.
    SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), "size=256k");
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .exportRoot(disk != null ? disk.dir() : dir).exportLimits(disk != null
                 ? ExportLimits.NONE : new ExportLimits(1 << 16, Long.MAX_VALUE)).build())) {
      assertThrows(StatusRuntimeException.class, () -> stub(s).export(ExportRequest.newBuilder()
          .setDataset("builtin").setEnd(2000).setFormat(ExportFormat.EXPORT_FORMAT_FOLDERS)
          .setDestination("full").build()).forEachRemaining(p -> { }));
      List<String> lines = await(log, 2);
      assertEquals(2, lines.size(), lines.toString());
      assertTrue(lines.get(1).startsWith("export to 'full' failed: export full (2,000 samples, "
          + "folders) needs up to "), lines.get(1));
      assertTrue(lines.get(1).contains(disk != null ? "is free on the export root's file system"
          : "over the per-export quota"), lines.get(1));
      assertTrue(lines.get(1).endsWith(": 0 of 2000 samples kept (in complete shards; a resume "
          + "redoes the rest) in " + lines.get(1)
          .replaceAll(".* in ", "")), lines.get(1));
      log.assertNoTraces();
      // An admitted export that fails is the export's end, not a refusal over the limits.
      assertEquals(List.of(), log.of(RefusalLog.class.getName()).stream()
          .map(LogRecord::getMessage).toList());
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void anAdmittedExportRefusedByItsQuotaIsLoggedAsItsEndNotAsARefusal(@TempDir Path dir)
      throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .exportRoot(dir).exportLimits(new ExportLimits(1 << 16, Long.MAX_VALUE)).build())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub(s)
          .export(ExportRequest.newBuilder().setDataset("builtin").setEnd(2000)
              .setFormat(ExportFormat.EXPORT_FORMAT_FOLDERS).setDestination("big").build())
          .forEachRemaining(p -> { }));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
      List<String> lines = await(log, 2);
      assertTrue(lines.get(1).startsWith("export to 'big' failed: "), lines.toString());
      assertEquals(List.of(), log.of(RefusalLog.class.getName()).stream()
          .map(LogRecord::getMessage).toList(), "its work began: not refused over the limits");
    }
  }

  /**
   * A destination that is a file, or inside a finished export, is the client's to fix: refused
   * before the export starts, at INFO by the refusal log, with no word of a stop or a resume.
   */
  @Test
  void aDestinationThatIsAFileOrInsideAnExportIsRefusedAtInfo(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("ow1.txt"), "mine");
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .exportRoot(dir).build())) {
      stub(s).export(ExportRequest.newBuilder().setDataset("tiny").setEnd(10)
          .setFormat(ExportFormat.EXPORT_FORMAT_ZIP).setDestination("x").build())
          .forEachRemaining(p -> { });
      assertEquals(2, await(log, 2).size());
      for (String[] c : new String[][] {{"ow1.txt", "export destination 'ow1.txt' is a file, "
          + "not a folder; an export writes a folder: choose another destination"},
          {"x//y", "export destination 'x//y' is inside 'x', an fgbg export (it has a "}}) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub(s)
            .export(ExportRequest.newBuilder().setDataset("tiny").setEnd(10)
                .setFormat(ExportFormat.EXPORT_FORMAT_ZIP).setDestination(c[0]).build())
            .forEachRemaining(p -> { }));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().startsWith(c[1]), e::toString);
      }
      assertEquals("mine", Files.readString(dir.resolve("ow1.txt")), "left as it was");
      List<LogRecord> refusals = log.of(RefusalLog.class.getName());
      // The second within the minute is counted, not logged yet.
      assertEquals(List.of(Level.INFO), refusals.stream().map(LogRecord::getLevel).toList(),
          refusals::toString);
      assertTrue(refusals.get(0).getMessage().contains("FAILED_PRECONDITION export destination"
          + " 'ow1.txt' is a file"), refusals.get(0).getMessage());
      assertEquals(2, lines(log).size(), "no line for either: " + lines(log));
      for (LogRecord r : log.of(ExportService.class.getName())) {
        assertTrue(!r.getMessage().contains("stopped") && !r.getMessage().contains("resume"),
            r.getMessage());
      }
    }
  }

  /**
   * A cut export's end line and its client count one thing: the samples of the shards complete
   * in its manifest, which a resume keeps, not those written into the shard it was cut in.
   */
  @Test
  void aCutExportCountsTheSamplesItsCompleteShardsKeep(@TempDir Path dir) throws Exception {
    long[] told = {-1};
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .exportRoot(dir).build())) {
      try (Context.CancellableContext c = Context.current().withCancellation()) {
        c.run(() -> {
          Iterator<ExportProgress> it = stub(s).export(ExportRequest.newBuilder()
              .setDataset("builtin").setEnd(4000).setShardSize(100)
              .setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET).setDestination("cut").build());
          ExportProgress p = it.next();
          // Two shards complete, cut at once: 38 remain, so it never ends first. (Waiting for a
          // report from inside shard 3 failed where every report came as a shard completed.)
          while (p.getShardsDone() < 2) {
            p = it.next();
          }
          told[0] = p.getKept();
          c.cancel(null);
        });
      }
      List<String> lines = await(log, 2);
      ExportManifest.Builder m = ExportManifest.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(Files.readString(dir.resolve(
          "cut/manifest.json")), m);
      long kept = m.getShardsList().stream().filter(ShardRecord::getComplete)
          .mapToLong(r -> r.getEnd() - r.getStart()).sum();
      assertTrue(kept >= 200 && kept < 4000, "cut after two shards: " + kept);
      assertTrue(lines.get(1).startsWith("export to 'cut' cancelled by the client: " + kept
          + " of 4000 samples kept (in complete shards; a resume redoes the rest) in "),
          lines.get(1));
      assertTrue(told[0] >= 200 && told[0] <= kept, "the client was told " + told[0]);
      // Run again, it resumes: its start line says how much was kept (it said nothing of it).
      stub(s).export(ExportRequest.newBuilder().setDataset("builtin").setEnd(4000)
          .setShardSize(100).setFormat(ExportFormat.EXPORT_FORMAT_WEBDATASET)
          .setDestination("cut").build()).forEachRemaining(p -> { });
      lines = await(log, 4);
      assertEquals("export to 'cut' started for 127.0.0.1: webdataset, 4000 samples of dataset"
          + " 'builtin'; resuming: " + kept + " samples found in complete shards (each read"
          + " back before it is kept)", lines.get(2));
      assertTrue(lines.get(3).startsWith("export to 'cut' finished: 4000 of 4000 samples kept"),
          lines.get(3));
    }
  }
}
