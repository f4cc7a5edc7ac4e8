package dev.fgbg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job run as ./fgbg spark runs it (its own JVM, Spark's log4j2 config from spark/conf) that
 * fails prints fgbg's one line and nothing else: before, Spark's and Hadoop's WARN lines came
 * first (no native-hadoop library, on every run; stopping a MetricsSystem that is not running,
 * for a bad --master; failing to initialize the file system, for --dest's unknown host).
 */
class QuietLogsTest {
  @TempDir
  Path dir;

  @Test
  void aBadMasterIsOneLine() throws Exception {
    String err = failed("--master", "bogus", "--dest", dir.resolve("x").toString());
    assertEquals(1, err.lines().count(), err);
    assertEquals("fgbg spark: error: --master 'bogus'", err.substring(0, 35), err);
  }

  @Test
  void anUnreachableDestinationIsOneLine() throws Exception {
    String err = failed("--master", "local[1]", "--dest", "hdfs://nohost.invalid:9000/x");
    assertEquals(1, err.lines().count(), err);
    assertEquals("fgbg spark: error: --dest hdfs://nohost.invalid:9000/x: unknown host",
        err.substring(0, 68), err);
  }

  /** The stderr of an export with {@code args}, which fails (exit 2). */
  private static String failed(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString()));
    // Spark's module options, as the launcher passes them (the tests' JVM has them too).
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore")).forEach(cmd::add);
    cmd.add("-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath());
    cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")), SparkMain.class.getName(), "export",
        "--builtin-size", "32", "--builtin-counts", "2:2"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LC_ALL", "C.UTF-8"); // no file-name encoding warning first
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.waitFor(), err);
    return err;
  }
}
