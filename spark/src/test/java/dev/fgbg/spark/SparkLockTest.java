package dev.fgbg.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.export.DestinationLock;
import dev.fgbg.core.export.ExportFormat;
import dev.fgbg.core.export.ExportRoot;
import dev.fgbg.core.export.HoldDestination;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export job's driver takes the server's destination lock for the whole job: a destination
 * another process's export holds (or one around it) is refused with the server's words, and a
 * server's export of the job's folder is refused while the job writes; the lock (and its file)
 * is gone after the job.
 */
class SparkLockTest {
  /** What a server asking for the job's folder was told, by the executors' chunk hook. */
  private static final List<String> TOLD = new CopyOnWriteArrayList<>();
  private static JavaSparkContext sc;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    sc = SparkJobs.context("local[2]", "fgbg-spark-lock-test");
  }

  @AfterAll
  static void stop() {
    sc.close();
  }

  private SparkExport.Request request(String dest) {
    return new SparkExport.Request(SparkExportTest.builtin(), 3, 0, 40, 0, 0, ExportFormat.FOLDERS,
        dir.resolve(dest).toUri().toString(), false, 20, 90, false, 1);
  }

  /** Another process (a server's export) holding {@code dest} under root {@code dir}. */
  private Process held(String dest) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", classpath, HoldDestination.class.getName(), dir.toString(),
        dest).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertEquals("held", new BufferedReader(new InputStreamReader(other.getInputStream(),
        StandardCharsets.UTF_8)).readLine());
    return other;
  }

  private FgbgException refused(String dest, String naming) {
    FgbgException e = assertThrows(FgbgException.class, () -> SparkExport.run(sc,
        request(dest)), dest);
    assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(naming), e.getMessage());
    assertEquals(e.getMessage(), SparkMain.reason(e), "the CLI's line is the server's message");
    return e;
  }

  /** What a server's export of {@code dest} under {@code root} is told now. */
  static String serverAsks(String root, String dest) {
    try (DestinationLock l = DestinationLock.take(new ExportRoot(Path.of(root)), dest, dest)) {
      return "taken";
    } catch (FgbgException | IOException e) {
      return e.getMessage();
    }
  }

  @Test
  void aHeldDestinationIsRefusedAndTheJobHoldsItsOwnUntilItEnds() throws Exception {
    Process other = held("held");
    try {
      refused("held", "held' is being written by another export right now");
      refused("held/in", "is inside 'held', which another export is writing right now");
      assertFalse(Files.exists(dir.resolve("held")), "nothing made at a refused destination");
    } finally {
      other.getOutputStream().close();
      assertTrue(other.waitFor(30, TimeUnit.SECONDS));
    }
    String root = dir.toString();
    SparkExport.Result res = SparkExport.run(sc, request("held"), SparkExportTest.builtin(),
        (shard, attempt, done) -> TOLD.add(serverAsks(root, "held")));
    assertEquals(40, res.samples());
    assertFalse(TOLD.isEmpty());
    for (String told : TOLD) {
      assertEquals("export destination 'held'" + DestinationLock.BUSY, told,
          "a server's export while the job writes");
    }
    assertEquals("taken", serverAsks(root, "held"), "let go after the job");
    try (Stream<Path> s = Files.list(dir.resolve(DestinationLock.LOCKS))) {
      assertEquals(List.of("guard"), s.map(p -> p.getFileName().toString())
          .toList(), "no lock file left");
    }
  }
}
