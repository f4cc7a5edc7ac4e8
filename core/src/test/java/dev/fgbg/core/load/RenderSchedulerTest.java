package dev.fgbg.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Fair scheduling on a queue-only executor and a fake ticker that tasks move forward. */
class RenderSchedulerTest {
  private final ArrayDeque<Runnable> dispatches = new ArrayDeque<>();
  private final AtomicLong now = new AtomicLong();
  private final RenderScheduler scheduler = RenderScheduler.fair(dispatches::add, now::get);
  private final List<String> ran = new ArrayList<>();

  /** A task of {@code lane} that takes {@code micros} of (fake) worker time. */
  private void submit(RenderScheduler.Lane lane, long micros, int count) {
    for (int i = 0; i < count; i++) {
      lane.execute(() -> {
        ran.add(lane.name());
        now.addAndGet(micros * 1000);
      });
    }
  }

  private void runAll() {
    Runnable r;
    while ((r = dispatches.poll()) != null) {
      r.run();
    }
  }

  @Test
  void equalLanesTakeTurns() {
    RenderScheduler.Lane a = scheduler.lane("a");
    RenderScheduler.Lane b = scheduler.lane("b");
    submit(a, 1000, 5);
    submit(b, 1000, 5);
    assertEquals(10, scheduler.queued());
    runAll();
    assertEquals(List.of("a", "b", "a", "b", "a", "b", "a", "b", "a", "b"), ran);
    assertEquals(5, a.completed());
    assertEquals(5_000_000, a.busyNanos());
    assertEquals(0, scheduler.queued());
  }

  @Test
  void aHeavyLaneGetsOneShareNotThePool() {
    RenderScheduler.Lane stats = scheduler.lane("stats");
    RenderScheduler.Lane stream = scheduler.lane("stream");
    submit(stats, 10_000, 100); // submitted first, each task ten times the stream's
    submit(stream, 1000, 10);
    runAll();
    int lastStream = ran.lastIndexOf("stream");
    long statsBefore = ran.subList(0, lastStream).stream().filter("stats"::equals).count();
    assertTrue(statsBefore <= 2, "the stream's 10 ms of work waited for " + statsBefore
        + " stats tasks: " + ran.subList(0, lastStream + 1));
  }

  @Test
  void aLaneThatWasIdleEarnsNoCredit() {
    RenderScheduler.Lane a = scheduler.lane("a");
    RenderScheduler.Lane b = scheduler.lane("b");
    submit(b, 1000, 1);
    runAll();
    submit(a, 1000, 50); // a works alone while b is idle
    runAll();
    ran.clear();
    submit(b, 1000, 4);
    submit(a, 1000, 4);
    runAll();
    // b rejoins at the virtual time of the task in service, so it leads by one task at most
    // rather than getting 49 in a row for having been idle.
    assertEquals(List.of("b", "b", "a", "b", "a", "b", "a", "a"), ran);
  }

  @Test
  void aRejectedDispatchWithdrawsItsTask() {
    Executor closed = r -> {
      throw new RejectedExecutionException("shut down");
    };
    RenderScheduler s = RenderScheduler.fair(closed, now::get);
    RenderScheduler.Lane lane = s.lane("x");
    assertThrows(RejectedExecutionException.class, () -> lane.execute(() -> ran.add("x")));
    assertEquals(0, s.queued());
  }
}
