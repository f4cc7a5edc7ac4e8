package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.LogLines;
import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.dataset.DepthMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limit holds from start-up (a limit lowered over an existing cache), and a full disk makes
 * room by the same eviction rule: through real files, and a real small tmpfs for the full disk.
 */
class DiskTierLimitTest {
  @TempDir
  Path dir;

  private static final String FP = "e".repeat(64);
  /** About 100 kB a record: twenty fill a 2 MB disk. */
  private static final DepthMap MAP = DepthMap.rounded(new float[50_000]);
  private static final long RECORD = DepthRecord.encode(key(0), MAP).length;

  private static DepthKey key(int index) {
    return new DepthKey(FP, 0, index);
  }

  private static List<Path> files(Path root, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  /** Lines at INFO or above but the start-up line of a limit over a small disk's space. */
  private static List<String> warnings(LogLines log) {
    return log.lines().stream().filter(l -> (l.startsWith("WARNING ") || l.startsWith("SEVERE "))
        && !l.contains("(--disk-cache-gb)")).toList();
  }

  @Test
  void aLimitLoweredOverAnExistingCacheIsKeptToAtStartUpOldestFirst() throws Exception {
    DiskTier first = new DiskTier(dir, 1L << 30, DepthStats.concurrent());
    for (int i = 0; i < 10; i++) {
      first.write(key(i), MAP);
    }
    // Written within a second or so: the times the start-up walk orders them by are set apart.
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < 10; i++) {
      Path p = files(dir, "/" + i + ".depth").get(0);
      Files.setLastModifiedTime(p, FileTime.from(t0.plusSeconds(i)));
    }
    long limit = 4 * RECORD + RECORD / 2;
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      DiskTier second = new DiskTier(dir, limit, DepthStats.concurrent());
      assertEquals(4 * RECORD, second.bytes());
      assertEquals(4, files(dir, ".depth").size(), "the space is freed, not only counted");
      for (int i = 0; i < 6; i++) {
        assertNull(second.read(key(i)), "oldest first: " + i);
      }
      for (int i = 6; i < 10; i++) {
        assertArrayEquals(MAP.half(), second.read(key(i)).half(), "newest kept: " + i);
      }
      List<String> removed = log.containing("removed");
      assertEquals(List.of(String.format(Locale.ROOT, "INFO depth disk cache %s: removed the 6 "
          + "oldest records, %.1f MB, to keep to its limit of %.1f MB (--disk-cache-gb); 4 "
          + "records, %.1f MB remain", dir, 6 * RECORD / 1e6, limit / 1e6, 4 * RECORD / 1e6)),
          removed);
      assertTrue(log.lines().get(0).contains(": 10 records, "), "found, then trimmed: "
          + log.lines());
    }
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      new DiskTier(dir, limit, DepthStats.concurrent());
      assertEquals(List.of(), log.containing("removed"), "within its limit: nothing to say");
    }
  }

  /**
   * The default limit over restarts, its inputs given: a tier filled to its limit, restarted,
   * keeps the same limit (held plus half the free grew 15, 22.5, 26.25 ... MB of a 30 MB disk).
   */
  @Test
  void theDefaultLimitDoesNotGrowFromOneStartToTheNext() {
    long disk = 30_000_000;
    long others = 0;
    long held = 0;
    long first = DiskLimit.of(DiskLimit.DEFAULT, held, disk);
    assertEquals(disk / 2, first, "half the free space of an empty folder, as before");
    for (int start = 1; start <= 6; start++) {
      long limit = DiskLimit.of(DiskLimit.DEFAULT, held, disk - others - held);
      assertEquals(first, limit, "start " + start);
      held = limit; // the tier fills to its limit before the next restart
    }
    others = 10_000_000; // exports take space: the limit falls, and start-up evicts
    assertEquals((disk - others) / 2, DiskLimit.of(DiskLimit.DEFAULT, held,
        disk - others - held));
    assertEquals(DiskLimit.CAP, DiskLimit.of(DiskLimit.DEFAULT, 0, 1L << 50), "at most 50 GB");
    assertEquals(123, DiskLimit.of(123, held, 0), "a given limit is kept");
  }

  /** The same through real restarts of a tier filled to its limit on a real 8 MB disk. */
  @Test
  void aTierFilledToItsDefaultLimitKeepsItOverRealRestarts() throws Exception {
    SmallDisk disk = SmallDisk.mount(dir.resolve("small"), "size=8m");
    if (disk == null) {
      return; // no tmpfs where mounting is not allowed (the test above holds the rule then)
    }
    Path root = disk.dir();
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      long first = -1;
      for (int start = 0; start < 3; start++) {
        DiskTier tier = new DiskTier(root, DiskLimit.DEFAULT, DepthStats.concurrent());
        first = start == 0 ? tier.limit() : first;
        // Four records' worth of slack: each record's last block, not counted as held, is used.
        assertTrue(tier.limit() <= first && tier.limit() > first - 4 * RECORD,
            "start " + start + ": " + tier.limit() + " bytes, first " + first);
        for (int i = 0; i < 2 * first / RECORD; i++) {
          tier.write(key(start * 1000 + i), MAP);
        }
        assertTrue(tier.bytes() > first - 2 * RECORD, "filled: " + tier.bytes());
      }
      List<String> said = log.containing("records, ");
      assertEquals(3, said.size(), said.toString());
      assertTrue(said.stream().allMatch(l -> l.endsWith(" MB: the default, half of what it "
          + "holds and the free space together, as that is under 50 GB)")), said.toString());
      assertEquals(List.of(), warnings(log));
    } finally {
      disk.close();
    }
  }

  @Test
  void aFullDiskEvictsTheOldestRecordsToMakeRoomAndEveryWriteLands() throws Exception {
    SmallDisk disk = SmallDisk.mount(dir.resolve("small"), "size=2m");
    if (disk == null) {
      return; // no tmpfs where mounting is not allowed; CI runs as root and mounts one
    }
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      // A limit far over the disk, as --disk-cache-gb over a disk other files fill.
      DiskTier tier = new DiskTier(disk.dir(), 1L << 30, DepthStats.concurrent());
      for (int i = 0; i < 40; i++) {
        tier.write(key(i), MAP);
        assertNotNull(tier.read(key(i)), "written though the disk is full: " + i);
      }
      assertEquals(List.of(), warnings(log));
      assertEquals(List.of(), files(disk.dir(), ".tmp"), "nothing half-written");
      assertNull(tier.read(key(0)), "the oldest made room");
      List<Path> held = files(disk.dir(), ".depth");
      assertEquals(held.size() * RECORD, tier.bytes(), "what it counts is what is there");
      assertTrue(held.size() >= 15, "the disk is used, not emptied: " + held.size());
      for (int i = 40 - held.size(); i < 40; i++) {
        assertArrayEquals(MAP.half(), tier.read(key(i)).half(), "the newest are kept: " + i);
      }
    } finally {
      disk.close();
    }
  }

  @Test
  void recordsRemovedUnderTheTierAreNotCountedAsRoomMade() throws Exception {
    SmallDisk disk = SmallDisk.mount(dir.resolve("small"), "size=2m");
    if (disk == null) {
      return; // no tmpfs where mounting is not allowed; CI runs as root and mounts one
    }
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      DiskTier tier = new DiskTier(disk.dir(), 1L << 30, DepthStats.concurrent());
      for (int i = 0; i < 40; i++) {
        tier.write(key(i), MAP);
      }
      // The folder cleared under the running server (or another server sharing it evicting):
      // the tier still counts those records, but deleting them again frees nothing.
      for (Path p : files(disk.dir(), ".depth")) {
        Files.delete(p);
      }
      for (int i = 40; i < 100; i++) {
        tier.write(key(i), MAP);
        assertNotNull(tier.read(key(i)), "written though the disk is full again: " + i);
      }
      assertEquals(List.of(), warnings(log));
      List<Path> held = files(disk.dir(), ".depth");
      assertEquals(held.size() * RECORD, tier.bytes(), "what it counts is what is there");
    } finally {
      disk.close();
    }
  }

  @Test
  void aRecordTheDiskCanNeverHoldEvictsNothingAndFailsAsBefore() throws Exception {
    SmallDisk disk = SmallDisk.mount(dir.resolve("small"), "size=2m");
    if (disk == null) {
      return; // DiskTierFailuresTest's stray folders stand for failing writes without a tmpfs
    }
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      DiskTier tier = new DiskTier(disk.dir(), 1L << 30, DepthStats.concurrent());
      for (int i = 0; i < 3; i++) {
        tier.write(key(i), MAP);
      }
      // Another program fills the disk but for less than a record over what the tier holds.
      long fill = disk.free() - RECORD / 2;
      Files.write(disk.dir().resolve("other.bin"), new byte[(int) fill]);
      tier.write(key(3), DepthMap.rounded(new float[200_000]));
      assertEquals(1, warnings(log).size(), warnings(log).toString());
      assertTrue(warnings(log).get(0).contains("No space left on device"), warnings(log)
          .toString());
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(MAP.half(), tier.read(key(i)).half(), "not evicted in vain: " + i);
      }
      assertEquals(List.of(), files(disk.dir(), ".tmp"), "nothing half-written");
      // A record that fits once the tier's own are evicted: the write lands.
      tier.write(key(4), MAP);
      assertArrayEquals(MAP.half(), tier.read(key(4)).half());
      assertEquals(1, warnings(log).size(), warnings(log).toString());
      assertNull(tier.read(key(0)), "the oldest made room");
    } finally {
      disk.close();
    }
  }
}
