package dev.fgbg.spark;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.core.depth.DepthSettings;
import dev.fgbg.core.depth.OnnxDepthModel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The datasets of one executor JVM, built once per job source and shared by its tasks, with
 * one depth runtime per model (one ONNX Runtime session and one dynamic batcher for all of the
 * executor's tasks). Each is checked against the driver's fingerprint: an executor whose assets
 * or model differ fails the job, naming the dataset and both fingerprints.
 */
final class ExecutorDatasets {
  /** The executor's depth cache in memory: a depth job streams through, nothing is reread. */
  private static final long DEPTH_MEMORY_BYTES = 256L << 20;
  private static final Map<Key, Dataset> DATASETS = new ConcurrentHashMap<>();
  private static final Map<Integer, DepthRuntimes> RUNTIMES = new ConcurrentHashMap<>();

  private record Key(DatasetSource source, int cores) {}

  private ExecutorDatasets() {}

  /**
   * The dataset of {@code source}, once its fingerprint is checked to be {@code expected}; its
   * model runs with {@code cores} intra-op threads (the executor's cores).
   */
  static Dataset get(DatasetSource source, String expected, int cores) {
    Dataset d = DATASETS.computeIfAbsent(new Key(source, cores),
        k -> source.build(runtimes(source, cores)));
    if (!d.fingerprint().equals(expected)) {
      throw FgbgException.failedPrecondition("dataset '" + source.name() + "' has fingerprint "
          + d.fingerprint() + " on executor " + host() + " but " + expected + " on the driver: "
          + "the executor reads other assets or another depth model; ship the same files "
          + "(spark-submit --archives/--files) or put them on a shared path");
    }
    return d;
  }

  /** One runtime set (so one model, in its sessions) per core count: one in a real executor. */
  private static DepthRuntimes runtimes(DatasetSource s, int cores) {
    return RUNTIMES.computeIfAbsent(cores, c -> new DepthRuntimes(new DepthSettings(
        OnnxDepthModel.Device.valueOf(s.device().toUpperCase(Locale.ROOT)), Math.max(1, c),
        DEPTH_MEMORY_BYTES, null, 0), Ticker.systemTicker()));
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "(unknown host)";
    }
  }
}
