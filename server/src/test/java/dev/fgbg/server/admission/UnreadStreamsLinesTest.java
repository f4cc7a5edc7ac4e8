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
 * The WARNING lines of streams ended while others waited for memory: the first in full, later
 * ones counted, and the count held back logged at the stop, by the same hook that flushes the
 * GetSamples lines (it was flushed only while memory was short, so said late or never).
 */
class UnreadStreamsLinesTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void theCountOfStreamsEndedIsLoggedAtTheStop() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (LogCapture log = new LogCapture()) {
      MemoryBudget budget = MemoryBudget.of(100, Ticker.systemTicker());
      ReplyCap cap = new ReplyCap(10);
      cap.acquire("other", 8);
      cap.acquire("other", 8); // a reply waits for room: others wait for memory
      UnreadReplies unread = new UnreadReplies(budget, cap, Duration.ofSeconds(1), timer,
          now::get);
      UnreadStreams streams = new UnreadStreams(now::get, Duration.ofSeconds(30));
      unread.whileShort(streams);
      Context.CancellableContext first = unreadStream(streams);
      Context.CancellableContext second = unreadStream(streams);
      now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // not read for longer than the limit
      unread.check();
      assertTrue(first.isCancelled() && second.isCancelled(), "both ended");
      assertEquals(1, lines(log).size(), lines(log).toString()); // the second is counted

      unread.stop();
      assertEquals(2, lines(log).size(), lines(log).toString());
      assertTrue(lines(log).get(1).startsWith("1 more unread streams ended while others "
          + "waited for memory"), lines(log).get(1));
    } finally {
      timer.shutdownNow();
    }
  }

  /** A stream whose transport has taken none of its messages since now. */
  private static Context.CancellableContext unreadStream(UnreadStreams streams) {
    Context.CancellableContext context = Context.current().withCancellation();
    streams.open("client", () -> {}, context).sent(false);
    return context;
  }

  private static List<String> lines(LogCapture log) {
    return log.of(UnreadStreams.class.getName()).stream().map(LogRecord::getMessage).toList();
  }
}
