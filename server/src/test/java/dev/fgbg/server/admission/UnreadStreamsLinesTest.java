package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The WARNING lines of streams ended while others waited for memory: the first in full, later
 * ones counted, and the count held back logged at the stop, by the same hook that flushes the
 * GetSamples lines (it was flushed only while memory was short, so said late or never).
 */
class UnreadStreamsLinesTest {
  @Test
  void theCountOfStreamsEndedIsLoggedAtTheStop() throws Exception {
    try (UnreadLinesFixture f = new UnreadLinesFixture()) {
      UnreadStreams streams = new UnreadStreams(f.now::get, Duration.ofSeconds(30));
      f.unread.whileShort(streams);
      Context.CancellableContext first = unreadStream(streams);
      Context.CancellableContext second = unreadStream(streams);
      f.now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // not read for longer than the limit
      f.unread.check();
      assertTrue(first.isCancelled() && second.isCancelled(), "both ended");
      assertEquals(1, lines(f).size(), lines(f).toString()); // the second is counted

      f.unread.stop();
      assertEquals(2, lines(f).size(), lines(f).toString());
      assertTrue(lines(f).get(1).startsWith("1 more unread streams ended while others "
          + "waited for memory"), lines(f).get(1));
    }
  }

  /** A stream whose transport has taken none of its messages since now. */
  private static Context.CancellableContext unreadStream(UnreadStreams streams) {
    Context.CancellableContext context = Context.current().withCancellation();
    streams.open("client", () -> {}, context).sent(false);
    return context;
  }

  private static List<String> lines(UnreadLinesFixture f) {
    return f.lines(UnreadStreams.class);
  }
}
