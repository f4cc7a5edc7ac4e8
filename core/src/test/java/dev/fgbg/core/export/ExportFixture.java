package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.concurrent.NamedThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An export root in a temporary folder of its own and an {@link Exporter} over it with two
 * render workers, made before each test and removed after it (an instance field:
 * {@code @RegisterExtension final ExportFixture bench = new ExportFixture();}): what the tests of
 * an export's refusals share.
 */
final class ExportFixture implements BeforeEachCallback, AfterEachCallback {
  private ExecutorService pool;
  private Path dir;
  private ExportRoot root;
  private Exporter exporter;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("fgbg-export-test");
    root = new ExportRoot(dir.resolve("root"));
    pool = NamedThreads.fixedPool("test-worker", 2);
    exporter = new Exporter(root, pool, 4, Ticker.systemTicker());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    pool.shutdownNow();
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.sorted(Comparator.reverseOrder()).toList(); // each file before its folder
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }

  ExportRoot root() {
    return root;
  }

  Exporter exporter() {
    return exporter;
  }

  /** Runs {@code job}, which must be refused FAILED_PRECONDITION; the refusal. */
  FgbgException refused(ExportJob job) {
    FgbgException e = assertThrows(FgbgException.class,
        () -> exporter.run(job, p -> { }, () -> false), job.destination());
    assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason(), e.getMessage());
    return e;
  }
}
