package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.server.LogCapture;
import io.grpc.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * The unread-reply rule's WARNING lines: the first in full, later ones counted, and the count
 * logged once its minute is over without waiting for another ending, and at the stop.
 */
class UnreadRepliesLinesTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void theCountOfAMinuteIsLoggedWhenTheMinuteIsOverAndAtTheStop() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (LogCapture log = new LogCapture()) {
      MemoryBudget budget = MemoryBudget.of(100, Ticker.systemTicker());
      ReplyCap cap = new ReplyCap(10);
      cap.acquire("other", 8);
      cap.acquire("other", 8); // a reply waits for room: others wait for memory
      UnreadReplies unread = new UnreadReplies(budget, cap, Duration.ofSeconds(1), timer,
          now::get);
      endOne(unread, "c1");
      endOne(unread, "c2"); // within the minute: counted, not logged
      assertEquals(1, lines(log).size(), lines(log).toString());

      now.addAndGet(TimeUnit.SECONDS.toNanos(61)); // the timer's next check says it
      assertTrue(UnreadRepliesTest.poll(() -> lines(log).size() == 2, Duration.ofSeconds(5)),
          lines(log).toString());
      assertTrue(lines(log).get(1).startsWith("1 more connections' GetSamples calls ended"),
          lines(log).get(1));

      endOne(unread, "c3"); // held again, a minute from the line before
      unread.stop();
      assertEquals(3, lines(log).size(), lines(log).toString());
      assertTrue(lines(log).get(2).startsWith("1 more connections'"), lines(log).get(2));
    } finally {
      timer.shutdownNow();
    }
  }

  private void endOne(UnreadReplies unread, String connection) {
    Context.CancellableContext context = Context.current().withCancellation();
    UnreadReplies.Call call = unread.track(connection, "client", context, status -> false);
    call.sending();
    now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // its reply unsent for longer than the limit
    unread.check();
    assertTrue(context.isCancelled(), connection + " ended");
  }

  private static List<String> lines(LogCapture log) {
    return log.of(UnreadReplies.class.getName()).stream().map(LogRecord::getMessage).toList();
  }
}
