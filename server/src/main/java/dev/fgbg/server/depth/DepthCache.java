package dev.fgbg.server.depth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Depth maps by (fingerprint, seed, index): a Caffeine AsyncCache weighed in bytes, so that
 * concurrent requests for one sample share one computation, over an optional disk tier so that a
 * sample's depth is computed once, ever. A failed computation is not cached.
 *
 * <p>No continuation runs on the render workers: they block waiting for depth, so a disk write
 * queued behind them would never run. Disk writes happen on the thread that completes the
 * computation (the batcher's).
 */
public final class DepthCache {
  private final AsyncCache<DepthKey, float[]> memory;
  private final DiskTier disk;
  private final DepthStats stats;

  public DepthCache(long maxBytes, DiskTier disk, DepthStats stats) {
    this.memory = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((DepthKey k, float[] v) -> v.length * 4 + 96)
        .buildAsync();
    this.disk = disk;
    this.stats = stats;
  }

  /** The map for {@code key}: from memory, from disk, or by running {@code compute} once. */
  public CompletableFuture<float[]> get(DepthKey key, Supplier<CompletableFuture<float[]>> compute) {
    CompletableFuture<float[]> present = memory.getIfPresent(key);
    if (present != null) {
      stats.memoryHits.incrementAndGet();
      return present;
    }
    return memory.get(key, (k, ex) -> {
      float[] stored = disk == null ? null : disk.read(k);
      if (stored != null) {
        stats.diskHits.incrementAndGet();
        return CompletableFuture.completedFuture(stored);
      }
      stats.misses.incrementAndGet();
      CompletableFuture<float[]> f = compute.get();
      return disk == null ? f : f.thenApply(v -> {
        disk.write(k, v);
        return v;
      });
    });
  }

  public DiskTier disk() {
    return disk;
  }
}
