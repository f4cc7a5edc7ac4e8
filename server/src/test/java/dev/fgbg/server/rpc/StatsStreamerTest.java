package dev.fgbg.server.rpc;

import dev.fgbg.server.stop.Draining;
import dev.fgbg.server.stop.RunningCall;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.server.LogCapture;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.stats.StatsCalculator;
import dev.fgbg.v1.StatsProgress;
import dev.fgbg.v1.StatsRequest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@ExtendWith(LogCapture.Clean.class)
class StatsStreamerTest {
  private static final Dataset D = TestDatasets.builtin();
  private static final Outputs IMAGE = new Outputs(true, false, false, false);
  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = NamedThreads.fixedPool("test-stats", 2);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  /** A ticker that moves {@code step} milliseconds forward each time it is read. */
  private static Ticker stepping(long stepMillis) {
    AtomicLong now = new AtomicLong();
    return () -> now.addAndGet(stepMillis * 1_000_000L);
  }

  private static FakeServerCall<StatsProgress> run(StatsStreamer s, long seed, boolean ready) {
    FakeServerCall<StatsProgress> call = new FakeServerCall<>();
    call.ready = ready;
    s.run(D, StatsRequest.newBuilder().setSeed(seed).setStart(0).setEnd(640).build(),
        Selection.range(D.size(), D.name(), 0, 640), IMAGE, call,
        RunningCall.track(new Draining(), call, "StatsWithProgress call", () -> { }));
    return call;
  }

  @Test
  void progressWithRateAndEtaThenOneFinishedMessageWithTheResult() {
    StatsCalculator calc = new StatsCalculator(pool, 4);
    // 640 samples are counted 64 at a time; each read of the ticker is 300 ms later.
    FakeServerCall<StatsProgress> call = run(new StatsStreamer(calc, stepping(300)), 1, true);
    assertTrue(call.completed);
    assertEquals(10, call.sent.size(), "nine updates, then the result");
    for (int k = 0; k < 9; k++) {
      StatsProgress p = call.sent.get(k);
      assertEquals(64L * (k + 1), p.getDone());
      assertEquals(640, p.getTotal());
      assertFalse(p.getFinished() || p.hasResult());
      double rate = 64.0 * (k + 1) / (0.3 * (k + 1));
      assertEquals(rate, p.getSamplesPerSecond(), 1e-9);
      assertEquals((640 - p.getDone()) / rate, p.getEtaSeconds(), 1e-9);
    }
    StatsProgress last = call.sent.get(9);
    assertTrue(last.getFinished());
    assertEquals(640, last.getDone());
    assertEquals(0, last.getEtaSeconds());
    assertEquals(StatsMapping.stats(D, calc.compute(D, 1,
        Selection.range(D.size(), D.name(), 0, 640), IMAGE, () -> false), IMAGE, null),
        last.getResult());
  }

  @Test
  void updatesArePacedAndDroppedWhileTheClientIsNotReady() {
    FakeServerCall<StatsProgress> paced = run(new StatsStreamer(new StatsCalculator(pool, 4),
        stepping(50)), 2, true);
    assertEquals(3, paced.sent.size(), "one update per 200 ms: after 4 and 8 of 10 runs, then "
        + "the result");
    assertEquals(256, paced.sent.get(0).getDone());
    assertEquals(512, paced.sent.get(1).getDone());
    FakeServerCall<StatsProgress> blocked = run(new StatsStreamer(new StatsCalculator(pool, 4),
        stepping(300)), 3, false);
    assertEquals(1, blocked.sent.size());
    assertTrue(blocked.sent.get(0).getFinished() && blocked.completed);
  }

  @Test
  void aCachedResultIsOneFinishedMessage() {
    StatsStreamer s = new StatsStreamer(new StatsCalculator(pool, 4), stepping(300));
    StatsProgress first = run(s, 4, true).sent.get(9);
    FakeServerCall<StatsProgress> again = run(s, 4, true);
    assertEquals(1, again.sent.size());
    assertEquals(first.getResult(), again.sent.get(0).getResult());
  }
}
