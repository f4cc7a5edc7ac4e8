package dev.fgbg.server.admission;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.server.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;

/**
 * The set-up of the tests of the unread-reply rule's WARNING lines: a captured log, a fake clock
 * and an {@link UnreadReplies} (replies unsent for a second end) under which others wait for
 * memory, since a reply waits for room. Closing it stops capturing and stops the rule's timer.
 */
final class UnreadLinesFixture implements AutoCloseable {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final LogCapture log = new LogCapture();
  final UnreadReplies unread;

  UnreadLinesFixture() {
    MemoryBudget budget = MemoryBudget.of(100, Ticker.systemTicker());
    ReplyCap cap = new ReplyCap(10);
    cap.acquire("other", 8);
    cap.acquire("other", 8); // a reply waits for room: others wait for memory
    unread = new UnreadReplies(budget, cap, Duration.ofSeconds(1), timer, now::get);
  }

  /** The messages logged by {@code source}'s logger, in order. */
  List<String> lines(Class<?> source) {
    return log.of(source.getName()).stream().map(LogRecord::getMessage).toList();
  }

  @Override
  public void close() {
    try {
      log.close();
    } finally {
      timer.shutdownNow();
    }
  }
}
