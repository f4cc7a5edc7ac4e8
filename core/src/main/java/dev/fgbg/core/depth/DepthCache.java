package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fgbg.core.dataset.DepthMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Depth maps by (fingerprint, seed, index): a Caffeine AsyncCache weighed in bytes, so that
 * concurrent requests for one sample share one computation, over an optional disk tier so that a
 * sample's depth is computed once, ever, and an optional read-only depth store (computed ahead).
 * A failed computation is not cached.
 *
 * <p>No continuation runs on the render workers: they block waiting for depth, so a disk write
 * queued behind them would never run. Disk writes happen on the thread that completes the
 * computation (the batcher's).
 */
final class DepthCache {
  private final AsyncCache<DepthKey, DepthMap> memory;
  private final DiskTier disk;
  private final DepthStore store;
  private final DepthStats stats;

  public DepthCache(long maxBytes, DiskTier disk, DepthStats stats) {
    this(maxBytes, disk, null, stats);
  }

  /** With a read-only depth store consulted after the disk tier and before the model. */
  public DepthCache(long maxBytes, DiskTier disk, DepthStore store, DepthStats stats) {
    this.memory = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((DepthKey k, DepthMap v) -> v.weight())
        .buildAsync();
    this.disk = disk;
    this.store = store;
    this.stats = stats;
  }

  /**
   * The map for {@code key}: from memory, from disk, or by running {@code compute} (the model's
   * map rounded to float16) once. While it is being computed each caller gets a future of its
   * own: cancelling it tells the computation that this caller is gone, and once every caller is,
   * a request still queued for the model is withdrawn ({@link SharedDepth}).
   */
  public CompletableFuture<DepthMap> get(DepthKey key,
      Supplier<CompletableFuture<DepthMap>> compute) {
    while (true) {
      boolean[] loaded = {false};
      CompletableFuture<DepthMap> f = memory.get(key, (k, ex) -> {
        loaded[0] = true;
        return load(k, compute);
      });
      if (f.isDone()) {
        if (loaded[0] || !f.isCompletedExceptionally()) {
          return counted(loaded[0], f); // nothing left to cancel
        }
        // Another caller's failure or withdrawal, still there for a moment: never served.
        memory.asMap().remove(key, f);
        continue;
      }
      if (!(f instanceof SharedDepth shared)) {
        return counted(false, f.copy()); // a caller's cancel never reaches a shared future
      }
      CompletableFuture<DepthMap> mine = shared.waiter();
      if (mine != null) {
        return counted(loaded[0], mine);
      }
      // Withdrawn by its last caller as this one came: the entry is leaving; compute anew.
      memory.asMap().remove(key, f);
    }
  }

  /** {@code f}, counted as a memory hit unless this caller loaded it. */
  private CompletableFuture<DepthMap> counted(boolean loaded,
      CompletableFuture<DepthMap> f) {
    if (!loaded) {
      stats.recordMemoryHit(); // present, or being computed for another caller
    }
    return f;
  }

  private CompletableFuture<DepthMap> load(DepthKey k,
      Supplier<CompletableFuture<DepthMap>> compute) {
    DepthMap stored = disk == null ? null : disk.read(k);
    if (stored != null) {
      stats.recordDiskHit();
      return CompletableFuture.completedFuture(stored);
    }
    DepthMap ahead = store == null ? null : store.read(k);
    if (ahead != null) {
      stats.recordStoreHit();
      return CompletableFuture.completedFuture(ahead);
    }
    stats.recordMiss();
    // Computed as float16 once: every later read gives exactly these bytes.
    CompletableFuture<DepthMap> request = compute.get();
    return new SharedDepth(request, disk == null ? request : request.thenApply(m -> {
      disk.write(k, m);
      return m;
    }));
  }

  public DiskTier disk() {
    return disk;
  }

  /** The read-only depth store, or null without one. */
  public DepthStore store() {
    return store;
  }
}
