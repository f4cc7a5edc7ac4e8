package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The depth runtimes a process uses: one per (model, weights), loaded on first use and shared by
 * every dataset that names it. The owner closes them all.
 */
public final class DepthRuntimes implements DepthModels, AutoCloseable {
  private final DepthSettings settings;
  private final Ticker ticker;
  /** The one --disk-cache-gb of --cache-dir's two tiers (null without one). */
  private final DiskBudget disk;
  private final Map<String, DepthRuntime> byKey = new LinkedHashMap<>();
  private PhotoTier photos;
  private boolean photosMade;

  /**
   * @param ticker times the batchers' queue delays and inference, and when depth stores list
   *     their shards again (the system ticker outside tests)
   */
  public DepthRuntimes(DepthSettings settings, Ticker ticker) {
    this.settings = settings;
    this.ticker = ticker;
    this.disk = DiskBudget.of(settings.cacheDir(), settings.diskBytes());
  }

  @Override
  public synchronized DepthRuntime get(String model, String weights) {
    DepthRuntime r = byKey.get(key(model, weights));
    if (r == null) {
      r = load(Path.of(model), weights(weights));
      byKey.put(key(model, weights), r);
    }
    return r;
  }

  @Override
  public synchronized String fileProblem(String model, String weights) {
    if (byKey.containsKey(key(model, weights))) {
      return null;
    }
    try {
      OnnxDepthModel.checkWeights(ModelConfig.load(Path.of(model), weights(weights)));
      return null;
    } catch (FgbgException e) {
      return e.getMessage();
    }
  }

  private static Path weights(String weights) {
    return weights.isEmpty() ? null : Path.of(weights);
  }

  /**
   * Which runtime {@code model} with {@code weights} ("" for the folder's own) is: one per
   * model folder and weights file, however their paths are written (sizing the process counts
   * the models by it too).
   */
  public static String key(String model, String weights) {
    Path w = weights(weights);
    return Path.of(model).toAbsolutePath().normalize() + "|"
        + (w == null ? "" : w.toAbsolutePath());
  }

  private DepthRuntime load(Path cfg, Path weights) {
    ModelConfig config = ModelConfig.load(cfg, weights);
    OnnxDepthModel m = OnnxDepthModel.load(config, settings.device(), settings.threads(),
        settings.sessions());
    try {
      return DepthRuntime.create(config.name(), m.device(), m, config, settings.memoryBytes(),
          disk, settings.depthStore(), ticker);
    } catch (RuntimeException e) {
      m.close(); // e.g. a --depth-store that is not a folder
      throw e;
    }
  }

  /**
   * The photo tier of the same {@code --cache-dir} (null without one), one per server so that
   * its full-disk count reaches the metrics.
   */
  public synchronized PhotoTier photos() {
    if (!photosMade) {
      photosMade = true;
      photos = PhotoTier.of(disk);
    }
    return photos;
  }

  /** Every runtime loaded so far, in load order. */
  public synchronized List<DepthRuntime> all() {
    return List.copyOf(byKey.values());
  }

  @Override
  public synchronized void close() {
    List<DepthRuntime> open = new ArrayList<>(byKey.values());
    byKey.clear();
    open.forEach(DepthRuntime::close);
  }
}
