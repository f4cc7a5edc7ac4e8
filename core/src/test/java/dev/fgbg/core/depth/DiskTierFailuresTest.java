package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.dataset.DepthMap;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writes that fail (a stray folder, the disk full) and corrupt records, through real files. */
class DiskTierFailuresTest {
  @TempDir
  Path dir;

  private static final String FP = "d".repeat(64);
  /** A 400 kB record: more than the small disk holds. */
  private static final DepthMap BIG = DepthMap.rounded(new float[200_000]);
  private static final DepthMap SMALL = DepthMap.rounded(new float[] {2.5f});

  private final AtomicLong now = new AtomicLong();
  private final Ticker ticker = now::get;

  private static DepthKey key(int index) {
    return new DepthKey(FP, 0, index);
  }

  private static List<Path> files(Path root, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  /** A folder, with a file in it, where {@code k}'s record goes. */
  private static Path strayFolder(Path root, DepthKey k) throws Exception {
    Path p = root.resolve(FP).resolve("0").resolve(Long.toString(k.index() / 1000))
        .resolve(k.index() + ".depth");
    Files.createDirectories(p);
    Files.write(p.resolve("x"), new byte[1]);
    return p;
  }

  /** The write failures' lines (not the start-up line of a limit over a small disk's space). */
  private static List<String> warnings(LogLines log) {
    return log.lines().stream().filter(l -> l.startsWith("WARNING ")
        && !l.contains("(--disk-cache-gb)")).toList();
  }

  private void after(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void aFailedWriteLeavesNoTemporaryFile() throws Exception {
    DiskTier tier = new DiskTier(dir, 1L << 30, DepthStats.concurrent());
    strayFolder(dir, key(1));
    tier.write(key(1), SMALL);
    assertEquals(List.of(), files(dir, ".tmp"), "a folder at the record's path");
    tier.write(key(2), SMALL);
    assertArrayEquals(SMALL.half(), tier.read(key(2)).half(), "other records are written");

    SmallDisk disk = SmallDisk.mount(dir.resolve("small"), "size=300k");
    if (disk == null) {
      return; // no tmpfs where mounting is not allowed: the stray folder above stands for it
    }
    try {
      DiskTier small = new DiskTier(disk.dir(), 1L << 30, DepthStats.concurrent());
      small.write(key(4), SMALL);
      long free = disk.free();
      small.write(key(3), BIG);
      assertEquals(List.of(), files(disk.dir(), ".tmp"), "the disk full");
      assertEquals(free, disk.free(), "the half-written record's space is free again");
      assertNull(small.read(key(3)));
      assertArrayEquals(SMALL.half(), small.read(key(4)).half());
    } finally {
      disk.close();
    }
  }

  @Test
  void writeFailuresAreLoggedAtMostOnceAMinuteAndALaterKindIsNotHidden() throws Exception {
    SmallDisk disk = SmallDisk.mount(dir.resolve("small"), "size=300k");
    Path root = disk == null ? dir : disk.dir();
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      DiskTier tier = new DiskTier(root, 1L << 30, DepthStats.concurrent(), ticker);
      Path stray = strayFolder(root, key(1));
      tier.write(key(1), SMALL);
      assertEquals(List.of("WARNING depth disk cache: cannot write " + stray + ": a folder is in "
          + "its place (later ones are counted and logged at most once a minute)"),
          warnings(log));
      // The disk full (or, without a tmpfs, more stray folders) within the minute: counted.
      if (disk == null) {
        for (int i = 2; i <= 5; i++) {
          strayFolder(root, key(i));
        }
      }
      DepthMap failing = disk == null ? SMALL : BIG;
      for (int i = 2; i <= 4; i++) {
        after(15);
        tier.write(key(i), failing);
      }
      assertEquals(1, warnings(log).size(), warnings(log).toString());
      after(20);
      tier.write(key(5), failing);
      String why = disk == null ? "a folder is in its place" : "No space left on device";
      assertEquals("WARNING depth disk cache: 4 more writes failed in the last 65 s (last: "
          + root.resolve(FP).resolve("0").resolve("0").resolve("5.depth") + ": " + why + ")",
          warnings(log).get(1));
      after(30);
      tier.write(key(1), SMALL);
      assertEquals(2, warnings(log).size(), "within a minute of the summary");
      after(60);
      tier.write(key(1), SMALL);
      assertEquals("WARNING depth disk cache: 2 more writes failed in the last 90 s (last: "
          + stray + ": a folder is in its place)", warnings(log).get(2));
      after(3600);
      tier.write(key(1), SMALL);
      assertEquals(4, warnings(log).size());
      assertEquals(warnings(log).get(0), warnings(log).get(3), "nothing held back: in full");
      assertEquals(List.of(), files(root, ".tmp"));
    } finally {
      if (disk != null) {
        disk.close();
      }
    }
  }

  @Test
  void corruptRecordsAreLoggedAtMostOnceAMinute() throws Exception {
    DepthStats stats = DepthStats.concurrent();
    DiskTier tier = new DiskTier(dir, 1L << 30, stats, ticker);
    for (int i = 0; i < 5; i++) {
      tier.write(key(i), SMALL);
    }
    for (Path p : files(dir, ".depth")) {
      Files.write(p, new byte[] {1, 2, 3});
    }
    Path record = files(dir, "4.depth").get(0);
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      for (int i = 0; i < 4; i++) {
        assertNull(tier.read(key(i)));
      }
      assertEquals(1, warnings(log).size(), warnings(log).toString());
      assertTrue(warnings(log).get(0).endsWith("is corrupt or truncated; recomputing it (later "
          + "ones are counted and logged at most once a minute)"), warnings(log).toString());
      after(61);
      assertNull(tier.read(key(4)));
      assertEquals("WARNING depth disk cache: 4 more corrupt or truncated records were "
          + "recomputed in the last 61 s (last: " + record + ")", warnings(log).get(1));
      assertEquals(5, stats.snapshot().diskCorrupt(), "every one counted");
    }
  }

  /** Opened for reading, a FIFO blocks until a writer comes: the worker would wait for ever. */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a guard, not a check
  void aFifoInARecordsPlaceIsRecomputedNeverOpened() throws Exception {
    DepthStats stats = DepthStats.concurrent();
    DiskTier tier = new DiskTier(dir, 1L << 30, stats, ticker);
    tier.write(key(7), SMALL);
    Path record = files(dir, "7.depth").get(0);
    Files.delete(record);
    Process mk = new ProcessBuilder("mkfifo", record.toString()).inheritIO().start();
    assertEquals(0, mk.waitFor());
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      assertNull(tier.read(key(7)));
      assertEquals(List.of("WARNING depth disk cache: " + record + " is not a regular file (a "
          + "FIFO, socket or device); recomputing it (later ones are counted and logged at most "
          + "once a minute)"), warnings(log));
    }
    assertEquals(1, stats.snapshot().diskCorrupt());
    assertTrue(Files.notExists(record, LinkOption.NOFOLLOW_LINKS), "the FIFO is removed");
    tier.write(key(7), SMALL);
    assertArrayEquals(SMALL.half(), tier.read(key(7)).half(), "recomputed and stored again");
  }
}
