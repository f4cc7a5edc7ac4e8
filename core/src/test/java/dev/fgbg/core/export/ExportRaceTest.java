package dev.fgbg.core.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real exports of every format while another thread keeps replacing the destination folder
 * and the folders inside it by symbolic links to a folder outside the export root: nothing
 * ever appears outside, and an export either finishes (every file under the root) or stops
 * with a status naming the problem.
 */
class ExportRaceTest {
  private static final Dataset D = TestDatasets.tiny();

  @TempDir
  Path tmp;

  @Test
  void swappingFoldersForLinksNeverLeadsAWriteOutOfTheRoot() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    ExportRoot root = new ExportRoot(tmp.resolve("root"));
    ExecutorService pool = NamedThreads.fixedPool("race-worker", 2);
    Exporter exporter = new Exporter(root, pool, 4, Ticker.systemTicker());
    Path race = Files.createDirectories(root.path().resolve("race"));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean writing = new AtomicBoolean();
    AtomicLong swaps = new AtomicLong();
    ReentrantLock cycle = new ReentrantLock(); // held by the swapper while a folder is away
    Thread swapper = new Thread(() -> swap(race, outside, writing, cycle, stop, swaps),
        "swapper");
    swapper.start();
    Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    try {
      for (int round = 0; round < 8; round++) {
        for (ExportFormat f : ExportFormat.values()) {
          ExportJob job = new ExportJob(D, round, 0, D.size(), Outputs.all(D), f, "race/d",
              true, 40, 90, false);
          String outcome;
          try {
            // Swaps begin once the export writes (past its checks of the destination).
            exporter.run(job, p -> writing.set(true), () -> false);
            outcome = "finished";
          } catch (FgbgException e) {
            outcome = e.reason().name();
            assertTrue(!e.getMessage().contains(tmp.toString()), "paths relative to the root: "
                + e.getMessage());
          }
          writing.set(false);
          cycle.lock(); // the swapper has put the folder back: the next export starts clean
          cycle.unlock();
          outcomes.merge(outcome, 1, Integer::sum);
          assertEquals(List.of(), everythingUnder(outside), "written outside the root, "
              + f + " round " + round + " (" + outcome + ")");
        }
      }
    } finally {
      stop.set(true);
      swapper.join();
      pool.shutdownNow();
    }
    // Not vacuous: links came and went during the exports, and exports met them (68 swaps
    // in all once; 22 once, when most exports stopped at their first swap).
    assertTrue(swaps.get() >= 8 && outcomes.keySet().stream().anyMatch(o -> !o.equals(
        "finished")), "the swapper ran all along: " + swaps.get() + " swaps, " + outcomes);
    assertTrue(outcomes.keySet().stream().allMatch(o -> o.equals("finished")
        || o.equals("PERMISSION_DENIED") || o.equals("FAILED_PRECONDITION")), outcomes.toString());
    assertEquals(List.of(), everythingUnder(outside));
  }

  /**
   * Until {@code stop}, while an export writes: picks the destination or a folder inside it,
   * moves it aside (still under the root), puts a link to {@code outside} in its place for a
   * few microseconds, then puts the folder back and leaves it for a while.
   */
  private static void swap(Path race, Path outside, AtomicBoolean writing,
      ReentrantLock cycle, AtomicBoolean stop, AtomicLong swaps) {
    Random random = new Random(22);
    Path dest = race.resolve("d");
    long n = 0;
    while (!stop.get()) {
      if (!writing.get()) {
        Thread.onSpinWait();
        continue;
      }
      spin(200);
      List<Path> folders = new ArrayList<>();
      try (Stream<Path> s = Files.walk(dest, 2)) {
        s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).forEach(folders::add);
      } catch (IOException | RuntimeException e) {
        continue; // moved meanwhile
      }
      if (folders.isEmpty()) {
        continue;
      }
      // Mostly a folder inside the destination (the export is under way), sometimes itself.
      Path victim = folders.size() > 1 && random.nextInt(5) > 0
          ? folders.get(1 + random.nextInt(folders.size() - 1)) : folders.get(0);
      Path aside = race.resolve("aside-" + n++);
      cycle.lock();
      try {
        Files.move(victim, aside);
        Files.createSymbolicLink(victim, outside);
        swaps.incrementAndGet();
        spin(50);
        Files.delete(victim);
        Files.move(aside, victim);
      } catch (IOException e) {
        deleteQuietly(aside); // the export moved it or made it anew meanwhile
      } finally {
        cycle.unlock();
      }
    }
  }

  private static void spin(long micros) {
    long until = System.nanoTime() + micros * 1000;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  private static void deleteQuietly(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException | RuntimeException e) {
      // left under the root; the assertions are about outside it
    }
  }

  private static List<String> everythingUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(Path::toString).toList();
    }
  }
}
