package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.export.ExportRoot;
import dev.fgbg.core.load.Admission;
import dev.fgbg.server.CallOutcome;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.server.observe.RefusalLog;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.Authenticator;
import dev.fgbg.server.transport.ConnectOptions;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports on the real Netty server: one client's batch takes only its share of the export
 * places, an overwrite of a folder holding an export, running or stopped, names that export, and
 * a read-only export root is reported once at start-up.
 */
class ExportShareTest {
  private static final Duration LONG = Duration.ofSeconds(90);
  private static final String ALICE = "alice-0123456789abcdef";
  private static final String BOB = "bob-fedcba9876543210";

  /** A server whose clients are the tokens alice and bob (one host, two clients). */
  private static TestServer twoClients(LoadOptions load) {
    AccessTokens tokens = AccessTokens.parse(List.of("alice:" + ALICE + " export",
        "bob:" + BOB + " export"), "test tokens");
    return TestServer.netty(TestDatasets.registry(), TestServer.options(2).load(load)
        .connect(ConnectOptions.builder().tokens(tokens).build()).build());
  }

  private static Channel as(Channel c, String token) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + token);
    return ClientInterceptors.intercept(c, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static CallOutcome<ExportProgress> export(FgbgGrpc.FgbgStub stub, String dest,
      long end, boolean overwrite, CountDownLatch closes) {
    // 20,000 samples: heavy, yet within the free-space check (an estimated 6.1 GB).
    ExportRequest r = ExportRequest.newBuilder().setDataset("builtin").setEnd(end)
        .setFormat(ExportFormat.EXPORT_FORMAT_FOLDERS).setDestination(dest)
        .setOverwrite(overwrite).build();
    return CallOutcome.start(o -> stub.withDeadlineAfter(LONG.toMillis(),
        TimeUnit.MILLISECONDS).export(r, o), closes);
  }

  @Test
  void oneClientsBatchOfExportsLeavesRoomForAnothersWhichRunsAtOnce() throws Exception {
    // Half of 2 + 2 places: alice holds two and is refused her third; without the share her
    // third and fourth would queue and bob would be refused for a full queue. Alone, she runs
    // on both places (one export alone would run on half of them); bob, within his half of the
    // running places, then runs at once beside her borrowed one, not after one of her
    // 20,000-sample exports.
    LoadOptions load = LoadOptions.builder().maxExports(2).exportQueue(2).build();
    try (TestServer s = twoClients(load)) {
      FgbgGrpc.FgbgStub alice = FgbgGrpc.newStub(as(s.channel(), ALICE));
      StreamStats counters = s.server().stats();
      CountDownLatch aliceRefused = new CountDownLatch(2);
      List<CallOutcome<ExportProgress>> batch = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        batch.add(export(alice, "alice" + i, 20_000, false, aliceRefused));
      }
      Admission exports = s.server().exportAdmission();
      assertTrue(counters.await(() -> counters.snapshot().admittedStarts() == 2, LONG),
          "alone, alice runs both");
      assertEquals(0, exports.queued());
      for (int i = 2; i < 4; i++) {
        batch.add(export(alice, "alice" + i, 20_000, false, aliceRefused));
      }
      assertTrue(aliceRefused.await(LONG.toMillis(), TimeUnit.MILLISECONDS));
      for (CallOutcome<ExportProgress> refused : batch.subList(2, 4)) {
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.status.getCode());
        assertEquals("client token alice has 2 exports running or queued, the most one client"
            + " may have (half of --max-exports + --export-queue = 2, so that other clients find"
            + " room); try again when one ends", refused.status.getDescription());
      }
      CallOutcome<ExportProgress> bob = export(FgbgGrpc.newStub(as(s.channel(), BOB)), "bob",
          100, false, new CountDownLatch(0));
      assertTrue(bob.await(LONG));
      assertEquals(Status.Code.OK, bob.status.getCode(), bob.status.toString());
      assertTrue(bob.last.getFinished());
      assertEquals(100, bob.last.getDone());
      assertFalse(batch.get(0).isClosed() || batch.get(1).isClosed(), () -> "bob's ran while"
          + " alice's two were open: " + batch.get(0).status + ", " + batch.get(1).status);
      batch.forEach(CallOutcome::cancel);
    }
  }

  @Test
  void anOverwriteOfAFolderHoldingARunningExportNamesIt() throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 2)) {
      FgbgGrpc.FgbgStub stub = FgbgGrpc.newStub(s.channel());
      CallOutcome<ExportProgress> inner = export(stub, "race/r1", 20_000, false,
          new CountDownLatch(0));
      StreamStats counters = s.server().stats();
      assertTrue(counters.await(() -> inner.last != null, LONG), "race/r1 is writing");
      CallOutcome<ExportProgress> outer = export(stub, "race", 100, true, new CountDownLatch(0));
      assertTrue(outer.await(LONG));
      assertEquals(Status.Code.FAILED_PRECONDITION, outer.status.getCode());
      assertEquals("export destination 'race' holds 'race/r1', which another export is writing"
          + " right now (an export never replaces a running one); wait for it or choose another"
          + " folder", outer.status.getDescription());
      assertFalse(inner.isClosed(), "race/r1 still writes");
      CallOutcome<ExportProgress> same = export(stub, "race/r1", 100, false,
          new CountDownLatch(0));
      assertTrue(same.await(LONG));
      assertEquals(Status.Code.FAILED_PRECONDITION, same.status.getCode());
      assertTrue(same.status.getDescription().startsWith("export destination 'race/r1' is being"
          + " written by another export right now"), same.status.getDescription());
      // Refused before they began (a client retrying as told would flood the log with a start
      // line and a WARNING each time): the refusal log's, at INFO, counted within its minute.
      List<String> lines = log.of(ExportService.class.getName()).stream()
          .map(LogRecord::getMessage).toList();
      assertEquals(1, lines.size(), lines::toString);
      assertTrue(lines.get(0).startsWith("export to 'race/r1' started"), lines::toString);
      List<LogRecord> refusals = log.of(RefusalLog.class.getName());
      assertEquals(List.of(Level.INFO), refusals.stream().map(LogRecord::getLevel).toList());
      assertTrue(refusals.get(0).getMessage().startsWith("refused Export from "),
          refusals.get(0).getMessage());
      assertTrue(refusals.get(0).getMessage().contains(": FAILED_PRECONDITION export destination"
          + " 'race' holds 'race/r1'"), refusals.get(0).getMessage());
      inner.cancel();
      // Stopped, it is still an export: named as one, not as files of someone else's.
      assertTrue(counters.await(() -> s.server().exportAdmission().running() == 0, LONG));
      CallOutcome<ExportProgress> again = export(stub, "race", 100, true, new CountDownLatch(0));
      assertTrue(again.await(LONG));
      assertEquals(Status.Code.FAILED_PRECONDITION, again.status.getCode());
      assertEquals("export destination 'race' holds 'race/r1', an fgbg export, and is no export"
          + " itself; choose another folder (overwrite replaces the export at the destination,"
          + " never the exports a folder holds; name 'race/r1' to replace it)",
          again.status.getDescription());
    }
  }

  @Test
  void aReadOnlyExportRootIsReportedOnceAtStartUpAndEachExportStillSaysWhy(@TempDir Path dir)
      throws Exception {
    Path ro = dir.resolve("ro");
    Files.createDirectories(ro);
    // A read-only tmpfs where this runs as root (root writes through permission bits); a folder
    // without write permission otherwise (the same warning, another reason).
    SmallDisk disk = SmallDisk.mount(ro, "ro,size=1m");
    if (disk == null) {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    String why = disk != null ? "read-only file system" : "permission denied";
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .exportRoot(ro).build())) {
      List<String> warnings = log.of(ExportRoot.class.getName()).stream()
          .filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
      assertEquals(List.of("export root " + ro.toRealPath() + " (--export-root) is not writable"
          + " (" + why + "); every export will fail until it is: give a writable folder"),
          warnings);
      CallOutcome<ExportProgress> e = export(FgbgGrpc.newStub(s.channel()), "a", 20, false,
          new CountDownLatch(0));
      assertTrue(e.await(LONG));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.status.getCode(), e.status.toString());
      assertTrue(e.status.getDescription().contains(why), e.status.getDescription());
      log.assertNoTraces();
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void aRootThatCannotBeCreatedIsOneWarningAndEachExportIsRefusedSayingWhy(@TempDir Path dir)
      throws Exception {
    Path ro = Files.createDirectories(dir.resolve("ro"));
    SmallDisk disk = SmallDisk.mount(ro, "ro,size=1m");
    // Without a mount: a folder under a file, which cannot be created either.
    Path missing = disk != null ? ro.resolve("exports")
        : Files.writeString(dir.resolve("f"), "x").resolve("exports");
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .exportRoot(missing).build())) {
      List<String> warnings = log.of(ExportRoot.class.getName()).stream()
          .filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
      String why = disk != null ? "read-only file system" : "not a folder";
      assertEquals(List.of("export root " + missing + " (--export-root) cannot be created ("
          + why + "); every export will fail until it can: give a writable folder with "
          + "--export-root"), warnings);
      CallOutcome<ExportProgress> e = export(FgbgGrpc.newStub(s.channel()), "a", 20, false,
          new CountDownLatch(0));
      assertTrue(e.await(LONG));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.status.getCode(), e.status.toString());
      assertEquals("the export root (--export-root) could not be created when the server started"
          + " and still cannot be (" + why + "); restart the server with a writable folder as "
          + "--export-root", e.status.getDescription());
      log.assertNoTraces();
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }
}
