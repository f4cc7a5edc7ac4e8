package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.dataset.DepthMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk tier's start-up walk, with servers sharing the folder at work meanwhile. */
class DiskScanTest {
  @TempDir
  Path dir;

  private static final String FP = "c".repeat(64);

  private void records(int n) {
    DiskTier t = newTier();
    for (int i = 0; i < n; i++) {
      t.write(new DepthKey(FP, 0, i), DepthMap.rounded(new float[] {i}));
    }
  }

  private DiskTier newTier() {
    try {
      return new DiskTier(dir, 1L << 30, DepthStats.concurrent());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<Path> files(String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).toList();
    }
  }

  @Test
  void recordsRemovedAfterTheirFolderWasListedAreSkipped() throws Exception {
    records(10);
    // Another server evicts the other nine while the walk is at the first: the walk has listed
    // them already (one directory read) and finds them gone when it looks at them.
    AtomicBoolean evicted = new AtomicBoolean();
    DiskScan scan = DiskScan.walk(dir, Instant.now(), DiskKind.DEPTH, visited -> {
      if (!evicted.getAndSet(true)) {
        try (Stream<Path> s = Files.list(visited.getParent())) {
          for (Path p : s.filter(p -> !p.equals(visited)).toList()) {
            Files.delete(p);
          }
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    });
    assertEquals(1, scan.records().size(), "the one left: " + scan.records());
    assertEquals(1, files(".depth").size());
  }

  @Test
  void aServerStartsWhileAnotherDeletesRecordsAtRandom() throws Exception {
    records(3000);
    List<Path> all = files(".depth");
    List<Path> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled);
    for (int round = 0; round < 5; round++) {
      Thread deleter = new Thread(() -> {
        for (Path p : shuffled) {
          try {
            Files.deleteIfExists(p);
          } catch (Exception ignored) {
            // the test fails on the walk, not here
          }
        }
      });
      deleter.start();
      DiskTier t = newTier();
      deleter.join();
      assertTrue(t.bytes() >= 0);
      records(3000);
    }
  }

  @Test
  void staleTemporaryFilesAreRemovedAndFreshOnesOfLiveServersKept() throws Exception {
    records(2);
    Path folder = files(".depth").get(0).getParent();
    Path stale = Files.write(folder.resolve("7.depth." + ThreadLocalRandom.current().nextLong()
        + ".tmp"), new byte[100]);
    Path probe = Files.write(dir.resolve(".probe123.tmp"), new byte[0]);
    Path fresh = Files.write(folder.resolve("8.depth.42.tmp"), new byte[100]);
    Path notOurs = Files.write(folder.resolve("notes.tmp"), new byte[1]);
    FileTime old = FileTime.from(Instant.now().minus(DiskScan.STALE).minus(Duration.ofMinutes(1)));
    for (Path p : List.of(stale, probe, notOurs)) {
      Files.setLastModifiedTime(p, old);
    }
    Files.setLastModifiedTime(fresh, FileTime.from(Instant.now().minus(Duration.ofMinutes(9))));
    DiskTier t = newTier();
    assertFalse(Files.exists(stale), "left by a crash");
    assertFalse(Files.exists(probe), "left by a crash");
    assertTrue(Files.exists(fresh), "another server may be writing it now");
    assertTrue(Files.exists(notOurs), "not a name the tier writes");
    assertEquals(2, files(".depth").size());
    assertTrue(t.bytes() > 0);
  }

  @Test
  void theDepthWalkLeavesThePhotoTiersFolderAlone() throws Exception {
    records(2);
    DiskTier photos = DiskTier.open(dir.resolve(PhotoTier.FOLDER), 1L << 30,
        DepthStats.concurrent(), DiskKind.PHOTOS);
    photos.write("ab/" + "a".repeat(64) + ".photo", new byte[] {1, 2, 3});
    Path probe = Files.write(dir.resolve(PhotoTier.FOLDER).resolve(".probe1.tmp"), new byte[1]);
    Files.setLastModifiedTime(probe, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    List<Path> visited = new ArrayList<>();
    DiskScan depth = DiskScan.walk(dir, Instant.now(), DiskKind.DEPTH, visited::add);
    assertEquals(2, depth.records().size());
    // It walked photos/ too (every photo record listed at each start) and removed its probe.
    assertEquals(List.of(), visited.stream()
        .filter(v -> v.startsWith(dir.resolve(PhotoTier.FOLDER))).toList());
    assertTrue(Files.exists(probe));
    assertEquals(0, depth.removed());
    DiskScan own = DiskScan.walk(dir.resolve(PhotoTier.FOLDER), Instant.now(), DiskKind.PHOTOS,
        v -> { });
    assertEquals(1, own.records().size());
  }
}
