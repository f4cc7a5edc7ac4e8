package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.Sha256;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What is not what an export expects, through real files: a FIFO where it opens a file (its
 * manifest, the lock guard, a shard being verified) or a folder (the destination, a folder on
 * its way or in it) is refused naming it, never opened (the open would block the export, its
 * lock and its slot for ever), and the next export runs; a broken lock folder, or a file on the
 * way to the destination, is named itself; a bad entry under another destination's lock name
 * refuses no export but that destination's.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a guard: a FIFO hangs
class IrregularFilesTest {
  @RegisterExtension
  final ExportFixture bench = new ExportFixture();
  private static final Dataset D = TestDatasets.tiny();
  private static final String FIFO_WORDS = "is not a regular file (a FIFO, socket or device)";
  /** Where a folder was expected the words say so. */
  private static final String NOT_FOLDER = "is not a folder (a FIFO, socket or device)";

  private static ExportJob job(ExportFormat format, String dest, boolean overwrite) {
    return new ExportJob(D, 1, 0, Math.min(D.size(), 10), Outputs.all(D), format, dest,
        overwrite, 5, 95, false);
  }

  private void export(ExportFormat format, String dest) {
    bench.exporter().run(job(format, dest, true), p -> { }, () -> false);
  }

  private String refused(ExportFormat format, String dest) {
    return refused(format, dest, true);
  }

  private String refused(ExportFormat format, String dest, boolean overwrite) {
    return bench.refused(job(format, dest, overwrite)).getMessage();
  }

  private static void mkfifo(Path p) throws Exception {
    Files.createDirectories(p.getParent());
    assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor());
  }

  @Test
  void aFifoAsTheManifestIsRefusedByNameAndFreesTheDestination() throws Exception {
    Path fifo = bench.root().resolve("f1/manifest.json");
    mkfifo(fifo);
    assertEquals("'f1/manifest.json' " + FIFO_WORDS + "; exports never open one: remove it and "
        + "run the export again (writing f1)", refused(ExportFormat.ZIP, "f1"));
    Files.delete(fifo);
    export(ExportFormat.ZIP, "f1"); // neither the lock nor anything else is held
    assertTrue(Files.isRegularFile(bench.root().resolve("f1/manifest.json")));
  }

  @Test
  void aFifoAsTheLockGuardIsRefusedByName() throws Exception {
    Path fifo = bench.root().path().resolve(".fgbg-locks/guard");
    mkfifo(fifo);
    assertTrue(refused(ExportFormat.FOLDERS, "g1").startsWith("'.fgbg-locks/guard' "
        + FIFO_WORDS), "named");
    Files.delete(fifo);
    export(ExportFormat.FOLDERS, "g1");
  }

  @Test
  void aFifoAsAShardOfAnExportResumedIsRefusedByName() throws Exception {
    export(ExportFormat.WEBDATASET, "w");
    Path shard = bench.root().resolve("w/shard-000000.tar");
    Files.delete(shard);
    mkfifo(shard);
    assertTrue(refused(ExportFormat.WEBDATASET, "w", false).startsWith("'w/shard-000000.tar' "
        + FIFO_WORDS), "named");
    Files.delete(shard);
    export(ExportFormat.WEBDATASET, "w");
  }

  @Test
  void aBrokenLockFolderIsNamedNotTheDestination() throws Exception {
    Files.delete(bench.root().path().resolve(".fgbg-locks")); // made with the root
    Files.writeString(bench.root().path().resolve(".fgbg-locks"), "x");
    String msg = refused(ExportFormat.FOLDERS, "a2");
    assertTrue(msg.contains("cannot write .fgbg-locks: not a folder"), msg);
    Files.delete(bench.root().path().resolve(".fgbg-locks"));
    Files.createDirectories(bench.root().path().resolve(".fgbg-locks/guard"));
    msg = refused(ExportFormat.FOLDERS, "a3");
    assertTrue(msg.contains("cannot write .fgbg-locks/guard: is a folder"), msg);
  }

  @Test
  void aFileOnTheWayToTheDestinationIsNamed() throws Exception {
    Files.writeString(bench.root().resolve("afile"), "hi");
    String msg = refused(ExportFormat.FOLDERS, "afile/sub");
    assertTrue(msg.contains("cannot write afile: not a folder"), msg);
  }

  @Test
  void aFifoAsTheDestinationIsRefusedByName() throws Exception {
    mkfifo(bench.root().resolve("fifo1"));
    assertEquals("'fifo1' " + NOT_FOLDER + "; exports never open one: remove it and run the "
        + "export again (writing fifo1)", refused(ExportFormat.ZIP, "fifo1"));
    Files.delete(bench.root().resolve("fifo1"));
    export(ExportFormat.ZIP, "fifo1"); // its lock was let go
  }

  @Test
  void aFifoOnTheWayIsRefusedByNameAndHoldsNoOtherExport() throws Exception {
    // Met by the check that no folder above the destination is an export, which once held every
    // other export of the server waiting behind it.
    mkfifo(bench.root().resolve("fifo5"));
    assertEquals("'fifo5' " + NOT_FOLDER + "; exports never open one: remove it and run the "
        + "export again (writing fifo5/sub)", refused(ExportFormat.FOLDERS, "fifo5/sub"));
    export(ExportFormat.FOLDERS, "other");
  }

  @Test
  void aFifoInPlaceOfAFolderOfAFinishedExportIsRefusedOnResume() throws Exception {
    export(ExportFormat.FOLDERS, "ow");
    Path bg = bench.root().resolve("ow/fg_bg/bg_000");
    try (Stream<Path> files = Files.list(bg)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(bg);
    mkfifo(bg);
    assertTrue(refused(ExportFormat.FOLDERS, "ow", false).startsWith("'ow/fg_bg/bg_000' "
        + NOT_FOLDER), "named");
    Files.delete(bg);
    export(ExportFormat.FOLDERS, "ow"); // resumed: its lock was let go
    assertTrue(Files.isDirectory(bg));
  }

  @Test
  void aBadEntryUnderAnotherDestinationsLockNameRefusesOnlyThatDestination() throws Exception {
    Path locks = bench.root().path().resolve(DestinationLock.LOCKS);
    Path fifo = locks.resolve(lockName("x"));
    mkfifo(fifo);
    Files.createSymbolicLink(locks.resolve(lockName("y")), Path.of("/etc/hostname"));
    export(ExportFormat.FOLDERS, "x2"); // neither is a lock any export holds
    assertTrue(Files.exists(fifo), "left alone");
    assertTrue(refused(ExportFormat.FOLDERS, "x").startsWith("'.fgbg-locks/" + lockName("x")
        + "' " + FIFO_WORDS), "its own lock named");
    FgbgException link = assertThrows(FgbgException.class, () -> export(ExportFormat.FOLDERS,
        "y"));
    assertEquals(FgbgException.Reason.PERMISSION_DENIED, link.reason(), link.getMessage());
    assertTrue(link.getMessage().contains(".fgbg-locks/" + lockName("y")), link.getMessage());
    assertFalse(link.getMessage().contains("hostname"), link.getMessage());
  }

  private static String lockName(String destination) {
    return Sha256.hex(destination.getBytes(StandardCharsets.UTF_8)) + ".lock";
  }
}
