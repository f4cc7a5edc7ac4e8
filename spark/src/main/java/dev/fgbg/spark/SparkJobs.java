package dev.fgbg.spark;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.core.depth.DepthSettings;
import dev.fgbg.core.depth.OnnxDepthModel;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/** What both jobs share: the Spark context, the driver's models, and writer tags. */
final class SparkJobs {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SparkJobs() {}

  /**
   * A context for {@code master}, or for spark-submit's master when null (local[*] when there
   * is none). Local mode stays on loopback and has no UI. A master URL Spark cannot parse, or
   * a driver with too little memory, is refused in one line saying what to do.
   */
  static JavaSparkContext context(String master, String app) {
    SparkConf conf = new SparkConf().setAppName(app);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    String logger = SparkContext.class.getName();
    Level was = LogManager.getLogger(logger).getLevel();
    try {
      // Spark logs its failure to start with a stack trace: the error line below says it all.
      Configurator.setLevel(logger, Level.FATAL);
      return new JavaSparkContext(conf);
    } catch (Exception e) { // SparkException too, which Scala throws undeclared
      String m = String.valueOf(e.getMessage());
      if (e instanceof IllegalArgumentException && m.contains("must be at least")) {
        String said = m.replaceFirst("^\\[\\w+] ", ""); // Spark's error class
        throw FgbgException.invalidArgument("too little memory for Spark's driver ("
            + said.split("\\.", 2)[0] + "): give its Java more heap, "
            + "FGBG_JAVA_OPTS=-Xmx1g for ./fgbg spark (local mode), spark-submit "
            + "--driver-memory 1g otherwise");
      }
      if (e instanceof SparkException && m.contains("Master URL")) {
        throw FgbgException.invalidArgument("--master '" + conf.get("spark.master") + "' is "
            + "not a Spark master URL: e.g. local[2], local[*], spark://HOST:7077, yarn");
      }
      throw e;
    } finally {
      Configurator.setLevel(logger, was);
    }
  }

  /** Cores of one executor: the local thread count, or spark.executor.cores. */
  static int executorCores(JavaSparkContext sc) {
    return sc.master().startsWith("local") ? sc.defaultParallelism()
        : sc.getConf().getInt("spark.executor.cores", 1);
  }

  /** The driver's depth models: loaded for the fingerprint only, never run. */
  static DepthRuntimes driverModels(DatasetSource s) {
    return new DepthRuntimes(new DepthSettings(
        OnnxDepthModel.Device.valueOf(s.device().toUpperCase(Locale.ROOT)), 1, 1 << 20, null, 0),
        Ticker.systemTicker());
  }

  static String driverTag() {
    return "-driver-" + random();
  }

  /** Unique to one task attempt, so that concurrent attempts never share a temporary name. */
  static String attemptTag(TaskContext tc) {
    return "-" + tc.taskAttemptId() + "-" + random();
  }

  private static String random() {
    byte[] b = new byte[4];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
