package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.dataset.DepthMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepthCacheTest {
  @TempDir
  Path dir;

  private static final DepthKey KEY = new DepthKey("f".repeat(64), 3, 12345);

  @Test
  void concurrentRequestsForOneSampleComputeOnce() throws Exception {
    AtomicInteger computed = new AtomicInteger();
    DepthStats stats = DepthStats.concurrent();
    DepthCache cache = new DepthCache(1 << 20, null, stats);
    CompletableFuture<DepthMap> slow = new CompletableFuture<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<CompletableFuture<DepthMap>>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        calls.add(pool.submit(() -> cache.get(KEY, () -> {
          computed.incrementAndGet();
          return slow;
        })));
      }
      List<CompletableFuture<DepthMap>> results = new ArrayList<>();
      for (var c : calls) {
        results.add(c.get());
      }
      slow.complete(DepthMap.rounded(new float[] {1.5f}));
      for (var r : results) {
        assertEquals(1.5f, r.get().values()[0]);
      }
      assertEquals(1, computed.get(), "one computation for 32 concurrent requests");
      assertEquals(1, stats.snapshot().misses());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRestartServesFromDiskAndACorruptRecordIsRecomputed() throws Exception {
    float[] map = {1f, 2.5f, 1e-3f, 7f};
    float[] served = DepthMap.rounded(map).values(); // float16, as every tier holds it
    assertTrue(served[2] != map[2], "1e-3 is not a float16");
    DepthStats first = DepthStats.concurrent();
    DepthCache c1 = new DepthCache(1 << 20, new DiskTier(dir, 1 << 30, first), first);
    c1.get(KEY, () -> CompletableFuture.completedFuture(DepthMap.rounded(map))).get();
    // "Restart": new memory tier over the same folder.
    DepthStats second = DepthStats.concurrent();
    DepthCache c2 = new DepthCache(1 << 20, new DiskTier(dir, 1 << 30, second), second);
    AtomicInteger computed = new AtomicInteger();
    assertArrayEquals(served, c2.get(KEY, () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture(DepthMap.rounded(new float[4]));
    }).get().values());
    assertEquals(0, computed.get());
    assertEquals(1, second.snapshot().diskHits());
    // Truncate the record: detected, recomputed, rewritten.
    Path record;
    try (Stream<Path> s = Files.walk(dir)) {
      record = s.filter(p -> p.toString().endsWith(".depth")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(record);
    Files.write(record, Arrays.copyOf(bytes, bytes.length - 7));
    DepthStats third = DepthStats.concurrent();
    DiskTier tier = new DiskTier(dir, 1 << 30, third);
    DepthCache c3 = new DepthCache(1 << 20, tier, third);
    assertArrayEquals(served, c3.get(KEY, () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture(DepthMap.rounded(map));
    }).get().values());
    assertEquals(1, computed.get());
    assertEquals(1, third.snapshot().diskCorrupt());
    assertArrayEquals(served, tier.read(KEY).values(), "rewritten whole");
    assertEquals(DepthRecord.size(KEY, 4), Files.size(record), "two bytes a value");
    // A flipped byte in the payload is caught by the checksum too.
    bytes = Files.readAllBytes(record);
    bytes[bytes.length - 9] ^= 1;
    Files.write(record, bytes);
    assertNull(tier.read(KEY));
  }

  @Test
  void theDiskTierStaysWithinItsBound() throws Exception {
    DepthStats s = DepthStats.concurrent();
    DiskTier tier = new DiskTier(dir, 2_000, s);
    for (int i = 0; i < 20; i++) {
      tier.write(new DepthKey("a".repeat(64), 0, i), DepthMap.rounded(new float[100]));
    }
    assertEquals(true, tier.bytes() <= 2_000, "bytes " + tier.bytes());
    assertArrayEquals(new float[100], tier.read(new DepthKey("a".repeat(64), 0, 19)).values());
    assertNull(tier.read(new DepthKey("a".repeat(64), 0, 0)), "the oldest went first");
  }

  @Test
  void twoServersWritingOneFolderNeverLeaveAHalfRecord() throws Exception {
    DiskTier a = new DiskTier(dir, 1 << 30, DepthStats.concurrent());
    DiskTier b = new DiskTier(dir, 1 << 30, DepthStats.concurrent());
    float[] values = new float[50_000];
    Arrays.fill(values, 3f);
    DepthMap v = DepthMap.rounded(values);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        DiskTier t = i % 2 == 0 ? a : b;
        DepthKey k = new DepthKey("b".repeat(64), 1, i % 5);
        fs.add(pool.submit(() -> t.write(k, v)));
        fs.add(pool.submit(() -> {
          DepthMap got = t.read(k);
          if (got != null) {
            assertArrayEquals(v.half(), got.half());
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(v.half(), a.read(new DepthKey("b".repeat(64), 1, i)).half());
    }
  }

  @Test
  void aRecordOfTheEarlierFloat32FormatIsRecomputedWithoutCountingAsCorrupt() throws Exception {
    DepthStats s = DepthStats.concurrent();
    DiskTier tier = new DiskTier(dir, 1 << 30, s);
    tier.write(KEY, DepthMap.rounded(new float[] {1f, 2f}));
    Path record;
    try (Stream<Path> files = Files.walk(dir)) {
      record = files.filter(p -> p.toString().endsWith(".depth")).findFirst().orElseThrow();
    }
    byte[] old = new byte[60];
    System.arraycopy("1_1DGBGF".getBytes(StandardCharsets.US_ASCII), 0, old, 0, 8);
    Files.write(record, old);
    assertNull(tier.read(KEY));
    assertEquals(0, s.snapshot().diskCorrupt());
    assertFalse(Files.exists(record), "removed, to be written again as float16");
  }
}
