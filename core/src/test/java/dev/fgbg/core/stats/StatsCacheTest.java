package dev.fgbg.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.sampling.Selection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cached result for more outputs answers a request for fewer of the same samples (README:
 * `./fgbg stats`, then a trainer's normalize="dataset", which asks for the image alone), with
 * exactly the figures a computation of those outputs alone gives.
 */
class StatsCacheTest {
  private static final Dataset D = TestDatasets.tiny();
  private static ExecutorService pool;

  @BeforeAll
  static void start() {
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  @Test
  void statsOfAllOutputsAnswerAnImageOnlyRequestAsItsOwnComputationWould() {
    Selection all = Selection.range(D.size(), D.name(), 0, D.size());
    Outputs image = new Outputs(true, false, false, false);
    Stats alone = new StatsCalculator(pool, 2).compute(D, 3, all, image, () -> false);

    StatsCalculator calc = new StatsCalculator(pool, 2);
    assertFalse(calc.cached(D, 3, all, image));
    calc.compute(D, 3, all, new Outputs(true, true, true, false), () -> false);
    assertTrue(calc.cached(D, 3, all, image), "answered from the result of all three");
    assertFalse(calc.cached(D, 4, all, image), "another seed is other samples");
    AtomicLong counted = new AtomicLong();
    Stats fromCache = calc.compute(D, 3, all, image, () -> false, counted::addAndGet);
    assertEquals(D.size(), counted.get(), "counted at once, as a cached result is");
    assertArrayEquals(alone.imageMean(), fromCache.imageMean());
    assertArrayEquals(alone.imageStd(), fromCache.imageStd());
    assertArrayEquals(alone.imageSe(), fromCache.imageSe());
    assertEquals(alone.samples(), fromCache.samples());
    assertTrue(Double.isNaN(fromCache.maskMean()) && Double.isNaN(fromCache.maskStd())
        && Double.isNaN(fromCache.depthMean()) && Double.isNaN(fromCache.depthStd()),
        "the outputs not asked for are NaN, as in a computation of the image alone");
    assertEquals(alone.population(), fromCache.population());
    assertTrue(Double.isNaN(fromCache.maskSe()) && Double.isNaN(fromCache.depthSe()));
  }
}
