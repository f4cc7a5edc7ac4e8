package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.Background;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import dev.fgbg.core.dataset.TeacherDepth;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One depth model with its one dynamic batcher, its cache and its counters, shared by every
 * dataset, stream, GetSamples call and export that uses the model.
 */
public final class DepthRuntime implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DepthRuntime.class.getName());

  /** Appended to a dataset's fingerprint in the cache keys of its backgrounds' depth. */
  static final String BACKGROUND_KEY = "-background";

  private final String name;
  private final String device;
  private final DepthModel model;
  private final DynamicBatcher batcher;
  private final Supplier<DepthCache> opener;
  private final DepthStats stats;
  // Opened by the first teacher(): layered depth never reads it, so its --cache-dir is neither
  // made nor scanned (the server only warns that it is unused).
  private DepthCache cache;

  private DepthRuntime(String name, String device, DepthModel model, DynamicBatcher batcher,
      Supplier<DepthCache> opener, DepthStats stats) {
    this.name = name;
    this.device = device;
    this.model = model;
    this.stats = stats;
    this.opener = opener;
    this.batcher = batcher;
  }

  /**
   * Builds the started batcher for {@code model}, timed by the system ticker, and the cache
   * (with a disk tier in {@code cacheDir} when set) that teacher depth opens on first use.
   */
  public static DepthRuntime create(String name, String device, DepthModel model,
      ModelConfig config, long memoryBytes, Path cacheDir, long diskBytes) {
    return create(name, device, model, config, memoryBytes, cacheDir, diskBytes,
        Ticker.systemTicker());
  }

  /** As the other {@code create}, with the batcher timed by {@code ticker}. */
  public static DepthRuntime create(String name, String device, DepthModel model,
      ModelConfig config, long memoryBytes, Path cacheDir, long diskBytes, Ticker ticker) {
    return create(name, device, model, config, memoryBytes,
        DiskBudget.of(cacheDir, diskBytes), null, ticker);
  }

  /**
   * As the other {@code create}, with a read-only depth store ({@code depthStore}, or null)
   * consulted before the model, its disk tier in {@code disk}'s folder (or none, null), bounded
   * together with the photo tier there.
   */
  public static DepthRuntime create(String name, String device, DepthModel model,
      ModelConfig config, long memoryBytes, DiskBudget disk, Path depthStore,
      Ticker ticker) {
    DepthStats stats = DepthStats.concurrent();
    DepthStore store = depthStore == null ? null : new DepthStore(depthStore, stats, ticker);
    // The model's own bound: an ONNX graph with a fixed batch lowers the config's maxBatch.
    int maxBatch = Math.min(config.maxBatch(), model.maxBatch());
    DynamicBatcher batcher = new DynamicBatcher(model, maxBatch, config.maxQueueDelay(),
        config.queueCapacity(), stats, ticker, new NamedThreads("fgbg-depth-" + name)).start();
    Supplier<DepthCache> opener = () -> {
      try {
        DiskTier tier = disk == null ? null : DiskTier.open(disk, stats, DiskKind.DEPTH);
        return new DepthCache(memoryBytes, tier, store, stats);
      } catch (IOException e) {
        throw FgbgException.invalidConfig("depth cache folder " + disk.root() + " cannot be used: "
            + e.getMessage(), e);
      }
    };
    return new DepthRuntime(name, device, model, batcher, opener, stats);
  }

  private synchronized DepthCache cache() {
    if (cache == null) {
      cache = opener.get();
    }
    return cache;
  }

  /** The model's id (as its teacher depth's), without opening the cache. */
  public String modelId() {
    return model.id();
  }

  public String name() {
    return name;
  }

  public String device() {
    return device;
  }

  public DepthStats stats() {
    return stats;
  }

  public int queued() {
    return batcher.queued();
  }

  public long diskBytes() {
    DepthCache c;
    synchronized (this) {
      c = cache;
    }
    return c == null || c.disk() == null ? 0 : c.disk().bytes();
  }

  /** Teacher mode: the model runs on each composite, once per sample ever (with a disk tier). */
  public TeacherDepth teacher() {
    DepthCache cache = cache();
    return new TeacherDepth() {
      @Override
      public String id() {
        return model.id();
      }

      @Override
      public String units() {
        return model.units();
      }

      @Override
      public CompletableFuture<DepthMap> depth(Dataset d, long seed, long index, byte[] image,
          int offset) {
        int w = d.spec().width();
        int h = d.spec().height();
        // Only a miss reads the image; the queued request keeps its own copy of it.
        return cache.get(new DepthKey(d.fingerprint(), seed, index),
            () -> batcher.submitRounded(new DepthModel.Image(
                Arrays.copyOfRange(image, offset, offset + w * h * 3), 0, w, h), h, w));
      }

      @Override
      public OptionalLong mapsOnDisk(Dataset d) {
        DiskTier disk = cache.disk();
        return disk == null ? OptionalLong.empty() : OptionalLong.of(disk.records(d.fingerprint()));
      }

      @Override
      public OptionalLong diskLimit() {
        DiskTier disk = cache.disk();
        return disk == null ? OptionalLong.empty() : OptionalLong.of(disk.limit());
      }

      @Override
      public OptionalLong mapsInStore(Dataset d) {
        DepthStore store = cache.store();
        return store == null ? OptionalLong.empty() : OptionalLong.of(store.maps(d.fingerprint()));
      }

      @Override
      public CompletableFuture<DepthMap> backgroundDepth(Dataset d, int bg) {
        Background b = d.assets().backgrounds().get(bg);
        // Keyed apart from every composite's (index 0..N) by a fingerprint of its own.
        return cache.get(new DepthKey(d.fingerprint() + BACKGROUND_KEY, 0, bg),
            () -> batcher.submitRounded(new DepthModel.Image(b.rgb(), 0, b.width(), b.height()),
                b.height(), b.width()));
      }
    };
  }

  /**
   * Layered mode: the model runs once per background; a composite's depth is the background's
   * predicted depth, with the foreground standing at the depth under its foot point (the
   * built-in world's rule). It approximates each foreground as an upright flat card at that
   * depth: no relief within the foreground, and no occlusion reasoning beyond the paste.
   */
  public AssetSet layered(AssetSet assets) {
    List<Background> bgs = assets.backgrounds();
    List<float[]> depths = backgroundDepths(assets);
    List<Background> out = new ArrayList<>(bgs.size());
    for (int i = 0; i < bgs.size(); i++) {
      Background b = bgs.get(i);
      out.add(new Background(b.name(), b.label(), b.width(), b.height(), b.rgb(), depths.get(i),
          null, 0));
    }
    return new AssetSet(assets.width(), assets.height(), out, assets.foregrounds(),
        assets.backgroundLabels(), assets.foregroundLabels(), model.id() + ":layered",
        model.units(), assets.skippedFiles());
  }

  /**
   * The model's depth of every background, in order, a batch at a time: what layered mode
   * serves, and what depth placement reads in teacher mode.
   */
  public List<float[]> backgroundDepths(AssetSet assets) {
    List<Background> bgs = assets.backgrounds();
    List<float[]> out = new ArrayList<>(bgs.size());
    int max = model.maxBatch();
    long t0 = System.nanoTime(); // for the log line only
    for (int start = 0; start < bgs.size(); start += max) {
      List<Background> part = bgs.subList(start, Math.min(bgs.size(), start + max));
      List<CompletableFuture<float[]>> fs = new ArrayList<>();
      for (Background b : part) {
        fs.add(batcher.submit(new DepthModel.Image(b.rgb(), 0, b.width(), b.height()),
            b.height(), b.width()));
      }
      fs.forEach(f -> out.add(f.join()));
    }
    LOG.info(String.format("background depth: %d backgrounds through %s in %.2f s", bgs.size(),
        name, (System.nanoTime() - t0) / 1e9));
    return out;
  }

  /**
   * Runs one full batch of grey images on each of the model's sessions, so the first real
   * requests find them all warm, and returns how many images it ran (all at once, so their
   * time is the model's rate with every session busy). The counters (ServerStats, metrics)
   * leave it out: they count what was served.
   */
  public int warmUp(int height, int width) {
    List<CompletableFuture<float[]>> fs = new ArrayList<>();
    byte[] grey = new byte[height * width * 3];
    Arrays.fill(grey, (byte) 128);
    int images = model.maxBatch() * Math.max(1, model.parallelRuns());
    for (int i = 0; i < images; i++) {
      fs.add(batcher.submitUncounted(new DepthModel.Image(grey, 0, width, height), height,
          width));
    }
    try {
      fs.forEach(CompletableFuture::join);
    } catch (CompletionException e) {
      if (e.getCause() instanceof FgbgException fe) {
        throw new FgbgException(fe.reason(), "warm-up of depth model " + Quoted.of(name)
            + " failed: " + fe.getMessage(), fe);
      }
      throw e;
    }
    return images;
  }

  @Override
  public void close() {
    batcher.close();
    model.close();
  }
}
