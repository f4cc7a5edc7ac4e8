package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.LogLines;
import dev.fgbg.core.dataset.DepthMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One --disk-cache-gb over both tiers of a --cache-dir, through the real tiers and real files:
 * the folder stays under the one limit whichever tier writes, the depth tier's records go
 * first, and a restart counts both tiers against the same limit.
 */
class DiskBudgetTest {
  @TempDir
  Path dir;

  private static final DepthMap MAP = DepthMap.rounded(new float[50_000]);
  private static final long RECORD = DepthRecord.encode(depth(0), MAP).length;
  /** Four records and a half: a fifth passes it. */
  private static final long LIMIT = 9 * RECORD / 2;

  private static DepthKey depth(int index) {
    return new DepthKey("d".repeat(64), 0, index);
  }

  private static String photo(int i) {
    return String.format("%064x", i + 1);
  }

  /** What the folder holds on disk, both tiers, walked anew. */
  private long held() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void bothTiersKeepToOneLimitAndTheDepthTierGivesWayFirst() throws Exception {
    DiskBudget budget = DiskBudget.of(dir, LIMIT);
    PhotoTier photos = PhotoTier.of(budget);
    for (int i = 0; i < 4; i++) {
      photos.write(photo(i), new byte[(int) RECORD]);
      assertTrue(held() <= LIMIT, "photo " + i + ": " + held());
    }
    DiskTier maps = DiskTier.open(budget, DepthStats.concurrent(), DiskKind.DEPTH);
    maps.write(depth(0), MAP); // past the limit, and no other depth record: a photo goes
    assertTrue(held() <= LIMIT, held() + " bytes");
    assertNull(photos.read(photo(0)), "the oldest photo, evicted for a depth map");
    assertNotNull(photos.read(photo(1)));
    maps.write(depth(1), MAP); // another depth record to evict: the photos stay
    assertTrue(held() <= LIMIT, held() + " bytes");
    assertNull(maps.read(depth(0)), "the oldest depth map goes before any photo");
    for (int i = 1; i < 4; i++) {
      assertNotNull(photos.read(photo(i)), "photo " + i);
    }
    photos.write(photo(4), new byte[(int) RECORD]); // a photo's write evicts depth first too
    assertNull(maps.read(depth(1)));
    assertEquals(0, maps.bytes(), "the depth tier's gauge");
    assertEquals(4 * RECORD, budget.bytes());
    assertEquals(held(), budget.bytes(), "the accounting is what the folder holds");
  }

  @Test
  void aRestartCountsBothTiersAgainstTheSameLimit() throws Exception {
    DiskBudget first = DiskBudget.of(dir, LIMIT);
    PhotoTier photos = PhotoTier.of(first);
    for (int i = 0; i < 3; i++) {
      photos.write(photo(i), new byte[(int) RECORD]);
    }
    DiskTier.open(first, DepthStats.concurrent(), DiskKind.DEPTH).write(depth(0), MAP);
    try (LogLines log = LogLines.capture(DiskTier.class.getName())) {
      DiskBudget again = DiskBudget.of(dir, LIMIT);
      DiskTier maps = DiskTier.open(again, DepthStats.concurrent(), DiskKind.DEPTH);
      assertEquals(LIMIT, again.limit());
      assertEquals(4 * RECORD, again.bytes(), "both tiers counted by the start-up walk");
      assertEquals(RECORD, maps.bytes());
      List<String> said = log.containing("records, ");
      assertEquals(1, said.size(), said.toString());
      assertTrue(said.get(0).contains("photo disk cache " + dir.resolve("photos")
          + ": 3 records"), said.get(0));
      maps.write(depth(1), MAP); // a fifth record: the photos found at start-up count
      assertTrue(held() <= LIMIT, held() + " bytes");
      assertNull(maps.read(depth(0)));
    }
    // A lower limit at the next start is kept to over both tiers, before any write.
    DiskBudget lower = DiskBudget.of(dir, 2 * RECORD);
    PhotoTier.of(lower).read(photo(0));
    assertTrue(held() <= 2 * RECORD, held() + " bytes");
    assertEquals(held(), lower.bytes());
  }
}
