package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.DepthMap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepthStoreTest {
  private static final String FP = "c".repeat(64);
  private static final long SEED = 5;

  @TempDir
  Path dir;

  private static float[] map(long index) {
    float[] v = new float[16];
    for (int p = 0; p < v.length; p++) {
      v[p] = index + p / 16f;
    }
    return v;
  }

  /** A shard file of indices [start, end) as the depth job writes it. */
  private Path shard(long start, long end) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long i = start; i < end; i++) {
      out.write(DepthRecord.encode(new DepthKey(FP, SEED, i), map(i)));
    }
    Path folder = dir.resolve(DepthStore.folder(FP, SEED));
    Files.createDirectories(folder);
    return Files.write(folder.resolve(DepthStore.shardFile(start, end)), out.toByteArray());
  }

  @Test
  void readsEachSampleOfItsShardsAndNothingElse() throws Exception {
    shard(0, 10);
    shard(20, 25);
    DepthStats stats = DepthStats.concurrent();
    DepthStore store = new DepthStore(dir, stats, () -> 0L);
    for (long i : new long[] {0, 7, 9, 20, 24}) {
      assertArrayEquals(map(i), store.read(new DepthKey(FP, SEED, i)).values(), "index " + i);
    }
    for (long i : new long[] {10, 19, 25, 1000}) {
      assertNull(store.read(new DepthKey(FP, SEED, i)), "index " + i);
    }
    assertNull(store.read(new DepthKey(FP, SEED + 1, 3)), "another seed");
    assertNull(store.read(new DepthKey("d".repeat(64), SEED, 3)), "another dataset");
    assertEquals(0, stats.snapshot().storeDamaged());
  }

  @Test
  void aDamagedRecordReadsAsAbsentAndIsCounted() throws Exception {
    Path f = shard(0, 4);
    byte[] b = Files.readAllBytes(f);
    b[b.length / 4 + 40] ^= 1; // inside record 1
    Files.write(f, b);
    DepthStats stats = DepthStats.concurrent();
    DepthStore store = new DepthStore(dir, stats, () -> 0L);
    assertArrayEquals(map(0), store.read(new DepthKey(FP, SEED, 0)).values());
    assertNull(store.read(new DepthKey(FP, SEED, 1)));
    assertEquals(1, stats.snapshot().storeDamaged());
    Files.write(f, Arrays.copyOf(b, b.length - 3));
    assertNull(store.read(new DepthKey(FP, SEED, 0)), "a truncated shard is unusable");
    assertEquals(2, stats.snapshot().storeDamaged());
  }

  @Test
  void shardsWrittenLaterArePickedUpAfterTheRelistInterval() throws Exception {
    AtomicLong now = new AtomicLong();
    DepthStore store = new DepthStore(dir, DepthStats.concurrent(), now::get);
    DepthKey k = new DepthKey(FP, SEED, 3);
    assertNull(store.read(k));
    shard(0, 5);
    assertNull(store.read(k), "listed moments ago");
    now.addAndGet(DepthStore.RELIST.toNanos());
    assertArrayEquals(map(3), store.read(k).values());
  }

  @Test
  void theCacheServesStoreHitsWithoutComputing() throws Exception {
    shard(0, 3);
    DepthStats stats = DepthStats.concurrent();
    DepthCache cache = new DepthCache(1 << 20, null, new DepthStore(dir, stats, () -> 0L), stats);
    AtomicInteger computed = new AtomicInteger();
    DepthMap m = cache.get(new DepthKey(FP, SEED, 2), () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture(DepthMap.rounded(new float[16]));
    }).join();
    assertArrayEquals(map(2), m.values());
    cache.get(new DepthKey(FP, SEED, 3), () -> {
      computed.incrementAndGet();
      return CompletableFuture.completedFuture(DepthMap.rounded(new float[16]));
    }).join();
    assertEquals(1, computed.get(), "only the sample the store lacks is computed");
    assertEquals(1, stats.snapshot().storeHits());
    assertEquals(1, stats.snapshot().misses());
  }

  @Test
  void aMissingFolderIsRefusedNamingIt() {
    FgbgException e = assertThrows(FgbgException.class,
        () -> new DepthStore(dir.resolve("nope"), DepthStats.concurrent(), () -> 0L));
    assertTrue(e.getMessage().contains("nope is not a readable folder"), e.getMessage());
  }
}
