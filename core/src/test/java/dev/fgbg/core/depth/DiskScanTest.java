package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.dataset.DepthMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
      return new DiskTier(dir, 1L << 30, new DepthStats());
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
    DiskScan scan = DiskScan.walk(dir, visited -> {
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
}
