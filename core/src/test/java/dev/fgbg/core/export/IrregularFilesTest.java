package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What is not what an export expects, through real files: a FIFO where it opens a file (its
 * manifest, the lock guard, a shard being verified) is refused naming it, never opened (the
 * open would block the export, its lock and its slot for ever), and the next export runs; a
 * broken lock folder, or a file on the way to the destination, is named itself.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a guard: a FIFO hangs
class IrregularFilesTest {
  @RegisterExtension
  final ExportFixture bench = new ExportFixture();
  private static final Dataset D = TestDatasets.tiny();
  private static final String FIFO_WORDS = "is not a regular file (a FIFO, socket or device)";

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
}
