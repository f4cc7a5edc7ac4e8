package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.v1.ExportManifest;
import dev.fgbg.v1.ShardRecord;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exports that fill the disk stop with RESOURCE_EXHAUSTED naming the file and give back every
 * byte their complete shards do not need: no temporary file left, no open descriptor to a
 * deleted one. On a real 64 MB tmpfs (as root, which CI is); where
 * mounting is not allowed, on a store whose writes fail as a full disk does, checking the
 * process's open descriptors instead of the free space.
 */
class DiskFullTest {
  /** 224x224: a shard is larger than a writer's buffer, so writes fail mid-shard. */
  private static final Dataset D = TestDatasets.builtin();
  @RegisterExtension
  static final WorkerPool POOL = new WorkerPool();

  @TempDir
  Path tmp;

  private static ExportJob job(ExportFormat f) {
    return new ExportJob(D, 3, 0, 160, Outputs.all(D), f, "full", false, 25, 95, false);
  }

  @ParameterizedTest
  @EnumSource(ExportFormat.class)
  void repeatedDiskFullExportsLeaveFreeSpaceWhereItWas(ExportFormat f) throws Exception {
    SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), "size=64m");
    if (disk == null) {
      failingStoreClosesEveryFile(f);
      return;
    }
    try {
      ExportRoot root = new ExportRoot(disk.dir().resolve("root"));
      Exporter exporter = new Exporter(root, POOL.get(), 4, Ticker.systemTicker());
      long before = disk.free();
      Path filler = disk.dir().resolve("filler");
      for (int round = 0; round < 3; round++) {
        AtomicBoolean filled = new AtomicBoolean();
        // Once the export is under way, the rest of the disk is taken: its next write fails.
        FgbgException e = assertThrows(FgbgException.class, () -> exporter.run(job(f), p -> {
          if (!filled.getAndSet(true)) {
            SmallDisk.fill(filler);
          }
        }, () -> false));
        assertEquals(FgbgException.Reason.RESOURCE_EXHAUSTED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().matches("export stopped: disk full while writing full/\\S+ .*"),
            "names the file: " + e.getMessage());
        assertFalse(e.getMessage().contains(".partial") || e.getMessage().contains(".tmp "),
            "the file's own name, not its temporary one: " + e.getMessage());
        assertTrue(e.getMessage().endsWith("free some space (or files, where `df -i` shows no "
            + "inodes free) and run the same export again: it resumes, keeping the shards "
            + "already complete"), e.getMessage());
        assertFalse(e.getMessage().contains(disk.dir().toString()), "no server path: "
            + e.getMessage());
        assertEquals(List.of(), openFilesUnder(disk.dir()), "no descriptor left open");
        Files.delete(filler);
        // Before anything is deleted: the export holds what its complete shards need, no more.
        Path dest = root.resolve("full");
        assertTrue(disk.free() >= before - kept(dest), "round " + round + ": the space of "
            + "what is not complete came back: " + (before - disk.free()) + " bytes held, "
            + kept(dest) + " kept, in " + filesUnder(dest));
        deleteTree(dest);
        assertEquals(before, disk.free(), "round " + round + ": every byte given back");
      }
    } finally {
      disk.close();
    }
  }

  /**
   * An npy export stopped by a full disk after its first shard is complete keeps that shard
   * (and no more) in its arrays, and rerunning it gives the files of an uninterrupted export.
   */
  @Test
  void aFullDiskCutsArraysBackToTheCompleteShardsAndTheRerunFinishesThem() throws Exception {
    ExportJob job = new ExportJob(D, 3, 0, 100, Outputs.all(D), ExportFormat.NPY, "full", false,
        25, 95, false);
    ExportManifest whole = new Exporter(new ExportRoot(tmp.resolve("plain")), POOL.get(), 4,
        Ticker.systemTicker()).run(job, p -> { }, () -> false);
    SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), "size=64m");
    if (disk == null) {
      return; // the store-level fallback above covers descriptors; free space needs a disk
    }
    try {
      ExportRoot root = new ExportRoot(disk.dir().resolve("root"));
      Exporter exporter = new Exporter(root, POOL.get(), 4, Ticker.systemTicker());
      long before = disk.free();
      Path filler = disk.dir().resolve("filler");
      AtomicBoolean filled = new AtomicBoolean();
      FgbgException e = assertThrows(FgbgException.class, () -> exporter.run(job, p -> {
        if (p.shardsDone() == 1 && !filled.getAndSet(true)) {
          SmallDisk.fill(filler); // shard 0 is complete; shard 1 has a chunk written
        }
      }, () -> false));
      assertEquals(FgbgException.Reason.RESOURCE_EXHAUSTED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().matches("export stopped: disk full while writing full/\\S+\\.npy "
          + "\\(.*"), "the array's own name: " + e.getMessage());
      Files.delete(filler);
      Path dest = root.resolve("full");
      ExportManifest left = ManifestStore.read(dest.resolve(ManifestStore.MANIFEST));
      assertEquals(List.of(true, false, false, false), left.getShardsList().stream()
          .map(ShardRecord::getComplete).toList());
      assertTrue(disk.free() >= before - kept(dest), (before - disk.free()) + " bytes held, "
          + kept(dest) + " kept, in " + filesUnder(dest));
      ExportManifest resumed = exporter.run(job, p -> { }, () -> false);
      assertEquals(whole.getDigest(), resumed.getDigest());
      assertEquals(whole.getFilesList(), resumed.getFilesList(), "the same bytes, file by file");
    } finally {
      disk.close();
    }
  }

  /** Bytes an interrupted export may keep: its complete shards, its manifest, a page a file. */
  private static long kept(Path dest) throws IOException {
    ExportManifest m = ManifestStore.read(dest.resolve(ManifestStore.MANIFEST));
    long shards = m == null ? 0 : m.getShardsList().stream().filter(ShardRecord::getComplete)
        .mapToLong(ShardRecord::getBytes).sum();
    return shards + 4096L * (filesUnder(dest).size() + 1) + (64 << 10);
  }

  private static List<String> filesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p) + " " + p.toFile().length())
          .toList();
    }
  }

  /** Where no file system can be mounted: writes fail with ENOSPC's message after 64 kB. */
  private void failingStoreClosesEveryFile(ExportFormat f) throws Exception {
    Path dest = tmp.resolve("dest");
    for (int round = 0; round < 3; round++) {
      try (ExportStore store = new FullAfter(ExportStore.local(dest), 64 << 10)) {
        ExportPlan plan = new ExportPlan(job(f), store);
        plan.prepareManifest();
        plan.prepareLayout();
        IOException e = assertThrows(IOException.class,
            () -> plan.write(0, POOL.get(), 4, () -> false, (n, b) -> { }));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      }
      assertEquals(List.of(), openFilesUnder(dest), "no descriptor left open");
      deleteTree(dest);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /** Files under {@code dir} this process holds open (deleted ones included). */
  static List<String> openFilesUnder(Path dir) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.map(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString();
        } catch (IOException gone) {
          return "";
        }
      }).filter(t -> t.startsWith(dir.toString())).toList();
    }
  }

  /** A store whose files fail as on a full disk once {@code limit} bytes have been written. */
  private static final class FullAfter extends ForwardingStore {
    private long left;

    FullAfter(ExportStore inner, long limit) {
      super(inner);
      this.left = limit;
    }

    private synchronized void take(int n) throws IOException {
      if (n > left) {
        throw new IOException("No space left on device");
      }
      left -= n;
    }

    @Override
    public OutputStream create(String path) throws IOException {
      return new FilterOutputStream(inner.create(path)) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          take(len);
          out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
          take(1);
          out.write(b);
        }
      };
    }
  }

  @Test
  void aTemporaryFileIsNamedByTheFileItBecomes() {
    assertEquals("big/fg_bg/bg_001/fg_bg_2_1_1_12.jpg",
        FileIo.finalName("big/fg_bg/.bg_001.partial/fg_bg_2_1_1_12.jpg"));
    assertEquals("big/fg_bg/bg_001/x.jpg", FileIo.finalName("big/fg_bg/.bg_001.partial-a7/x.jpg"));
    assertEquals("big/images.npy", FileIo.finalName("big/images.npy.partial"));
    assertEquals("big/shard-000003.tar", FileIo.finalName("big/shard-000003.tar.tmp"));
    assertEquals("big/labels.csv", FileIo.finalName("big/labels.csv" + FileIo.TMP));
    assertEquals("big/.hidden/a.partial.jpg", FileIo.finalName("big/.hidden/a.partial.jpg"));
    assertEquals("big/fg_bg/bg_001", FileIo.finalName("big/fg_bg/.bg_001.partial"));
    assertEquals("run.tmp/fg_bg/bg_001/x.jpg",
        FileIo.finalName("run.tmp/fg_bg/.bg_001.partial/x.jpg"), "a destination's own name");
  }
}
