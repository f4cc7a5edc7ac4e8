package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExportSpaceTest {
  private static final Dataset D = TestDatasets.tiny(); // 120 samples, 32x32
  @RegisterExtension
  static final WorkerPool POOL = new WorkerPool();

  @TempDir
  Path tmp;

  private static ExportJob job(ExportFormat f, String dest, long end) {
    return new ExportJob(D, 1, 0, end, Outputs.all(D), f, dest, false, 25, 95, false);
  }

  @Test
  void theEstimateIsExactForNpyAndAnUpperBoundOfEveryOtherFormat() throws Exception {
    long raw = 32 * 32 * 6;
    assertEquals(120 * (raw + ExportSpace.TABLES_PER_SAMPLE) + 65_536,
        ExportSpace.estimate(job(ExportFormat.NPY, "n", 120)));
    Exporter e = new Exporter(new ExportRoot(tmp.resolve("root")), POOL.get(), 4,
        Ticker.systemTicker());
    for (ExportFormat f : ExportFormat.values()) {
      e.run(job(f, f.id(), 120), p -> { }, () -> false);
      long written = ExportSpace.treeBytes(tmp.resolve("root").resolve(f.id()));
      assertTrue(written <= ExportSpace.estimate(job(f, f.id(), 120)), f + ": " + written);
    }
  }

  @Test
  void quotasRefuseAnExportBeforeItWritesNamingTheFlag() throws Exception {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    long one = ExportSpace.estimate(job(ExportFormat.NPY, "a", 60));
    Exporter e = new Exporter(root, POOL.get(), 4, Ticker.systemTicker(),
        new ExportLimits(one, one + one / 2));
    FgbgException big = assertThrows(FgbgException.class,
        () -> e.run(job(ExportFormat.NPY, "big", 120), p -> { }, () -> false));
    assertEquals(FgbgException.Reason.RESOURCE_EXHAUSTED, big.reason());
    assertEquals("export big (120 samples, npy) needs up to 864.3 kB, over the per-export quota"
        + " of 464.9 kB (--export-quota-gb); export a smaller range", big.getMessage());
    assertFalse(Files.exists(root.path().resolve("big/manifest.json")), "nothing written");
    e.run(job(ExportFormat.NPY, "a", 60), p -> { }, () -> false);
    FgbgException total = assertThrows(FgbgException.class,
        () -> e.run(job(ExportFormat.NPY, "b", 60), p -> { }, () -> false));
    assertEquals(FgbgException.Reason.RESOURCE_EXHAUSTED, total.reason());
    assertTrue(total.getMessage().contains("but exports under the export root hold 386.8 kB of the"
        + " total quota of 697.3 kB (--export-total-gb)"), total.getMessage());
    // Rerunning the export already there counts what it holds: it fits.
    assertTrue(e.run(job(ExportFormat.NPY, "a", 60), p -> { }, () -> false).getComplete());
  }

  @Test
  void anExportLargerThanTheFreeSpaceIsRefusedNamingBothFigures() throws Exception {
    SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), "size=512k");
    Path at = disk != null ? disk.dir() : tmp;
    try {
      ExportRoot root = new ExportRoot(at.resolve("root"));
      long free = Files.getFileStore(root.path()).getUsableSpace();
      // Without a small disk (not root): the whole built-in dataset, 120 GB of arrays.
      Dataset d = disk != null ? D : TestDatasets.builtin();
      ExportJob j = new ExportJob(d, 1, 0, d.size(), Outputs.all(d), ExportFormat.NPY, "x",
          false, 25, 95, false);
      Exporter e = new Exporter(root, POOL.get(), 4, Ticker.systemTicker());
      FgbgException x = assertThrows(FgbgException.class, () -> e.run(j, p -> { }, () -> false));
      assertEquals(FgbgException.Reason.FAILED_PRECONDITION, x.reason());
      String m = x.getMessage();
      assertTrue(m.startsWith("export x (") && m.contains(" needs up to "
          + ExportSpace.human(ExportSpace.estimate(j)) + ", but only "), m);
      assertTrue(m.contains(" is free on the export root's file system"), m);
      assertTrue(ExportSpace.estimate(j) > free);
      assertFalse(m.contains(root.path().toString()), m);
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void theFreeSpaceOfAFileSystemMountedInsideTheRootIsNamedAsThatMounts() throws Exception {
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    // The free space is measured where the destination is: here a small disk mounted inside the
    // root, not the root's own file system. Where this may mount none, a folder of the root's.
    SmallDisk disk = SmallDisk.mount(root.path().resolve("mnt"), "size=512k");
    try {
      Dataset d = disk != null ? D : TestDatasets.builtin();
      ExportJob j = new ExportJob(d, 1, 0, d.size(), Outputs.all(d), ExportFormat.NPY,
          "mnt/x", false, 25, 95, false);
      Exporter e = new Exporter(root, POOL.get(), 4, Ticker.systemTicker());
      FgbgException x = assertThrows(FgbgException.class, () -> e.run(j, p -> { }, () -> false));
      assertEquals(FgbgException.Reason.FAILED_PRECONDITION, x.reason());
      String free = ExportSpace.human(Files.getFileStore(root.path().resolve("mnt"))
          .getUsableSpace());
      assertTrue(x.getMessage().endsWith(", but only " + free + " is free on " + (disk != null
          ? "the file system mounted at 'mnt' in the export root" : "the export root's file"
          + " system") + "; free space or export a smaller range"), x.getMessage());
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void theTotalQuotaCountsTheRootWhileAnotherExportRenamesItsFilesAndFolders() throws Exception {
    // Two exports starting at once (ExportShareTest's two of one client): one's quota check
    // walks the root while the other commits a manifest and a shard folder by renames. A file
    // or folder gone between its folder's listing and its attributes holds nothing; it must not
    // fail the export that happened to look (which freed its place for a third client's).
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.write(root.resolve("kept.bin"), new byte[1000]);
    Path other = Files.createDirectories(root.resolve("other"));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong renames = new AtomicLong();
    AtomicReference<IOException> churnFailed = new AtomicReference<>();
    Thread churn = new Thread(() -> {
      try {
        for (long k = 0; !stop.get(); k++) {
          Path tmpFile = Files.write(other.resolve("manifest.json." + k + ".tmp"), new byte[10]);
          Files.move(tmpFile, other.resolve("manifest.json"), StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
          Path partial = Files.createDirectories(other.resolve(".bg_" + k + ".partial/fg"));
          Files.write(partial.resolve("s.jpg"), new byte[10]);
          Path shard = Files.move(partial.getParent(), other.resolve("bg_" + k));
          Files.delete(shard.resolve("fg/s.jpg")); // an abort's deleteTree, and a bounded tree
          Files.delete(shard.resolve("fg"));
          Files.delete(shard);
          renames.incrementAndGet();
        }
      } catch (IOException e) {
        churnFailed.set(e);
      }
    });
    churn.start();
    try {
      long end = System.nanoTime() + 3_000_000_000L;
      int walks = 0;
      while (walks < 20 || renames.get() < 2000 && System.nanoTime() < end) {
        assertTrue(ExportSpace.treeBytes(root) >= 1000, "the file that stays is counted");
        walks++;
      }
    } finally {
      stop.set(true);
      churn.join();
    }
    assertNull(churnFailed.get(), "the other export's renames ran");
    assertTrue(renames.get() > 0, "the other export renamed while the root was walked");
  }

  @Test
  void sizesReadAsPeopleWriteThem() {
    assertEquals("512 B", ExportSpace.human(512));
    assertEquals("1.50 kB", ExportSpace.human(1500));
    assertEquals("67.0 GB", ExportSpace.human(67_000_000_000L));
    assertEquals("120 GB", ExportSpace.human(120_000_000_000L).replace(".0", ""));
    assertEquals("unlimited", ExportSpace.human(Long.MAX_VALUE));
  }
}
