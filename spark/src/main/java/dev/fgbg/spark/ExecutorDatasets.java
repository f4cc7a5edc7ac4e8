package dev.fgbg.spark;

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
  private static final Map<DatasetSource, Dataset> DATASETS = new ConcurrentHashMap<>();
  private static DepthRuntimes runtimes;

  private ExecutorDatasets() {}

  /** The dataset of {@code source}, once its fingerprint is checked to be {@code expected}. */
  static Dataset get(DatasetSource source, String expected, int threads) {
    Dataset d = DATASETS.computeIfAbsent(source, s -> s.build(runtimes(s, threads)));
    if (!d.fingerprint().equals(expected)) {
      throw FgbgException.failedPrecondition("dataset '" + source.name() + "' has fingerprint "
          + d.fingerprint() + " on executor " + host() + " but " + expected + " on the driver: "
          + "the executor reads other assets or another depth model; ship the same files "
          + "(spark-submit --archives/--files) or put them on a shared path");
    }
    return d;
  }

  private static synchronized DepthRuntimes runtimes(DatasetSource s, int threads) {
    if (runtimes == null) {
      runtimes = new DepthRuntimes(new DepthSettings(
          OnnxDepthModel.Device.valueOf(s.device().toUpperCase(Locale.ROOT)),
          Math.max(1, threads), DEPTH_MEMORY_BYTES, null, 0));
    }
    return runtimes;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "(unknown host)";
    }
  }
}
