package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The unread-reply rule's WARNING lines: the first in full, later ones counted, and the count
 * logged once its minute is over without waiting for another ending, and at the stop.
 */
class UnreadRepliesLinesTest {
  @Test
  void theCountOfAMinuteIsLoggedWhenTheMinuteIsOverAndAtTheStop() throws Exception {
    try (UnreadLinesFixture f = new UnreadLinesFixture()) {
      endOne(f, "c1");
      endOne(f, "c2"); // within the minute: counted, not logged
      assertEquals(1, lines(f).size(), lines(f).toString());

      f.now.addAndGet(TimeUnit.SECONDS.toNanos(61)); // the timer's next check says it
      assertTrue(UnreadRepliesTest.poll(() -> lines(f).size() == 2, Duration.ofSeconds(5)),
          lines(f).toString());
      assertTrue(lines(f).get(1).startsWith("1 more connections' GetSamples calls ended"),
          lines(f).get(1));

      endOne(f, "c3"); // held again, a minute from the line before
      f.unread.stop();
      assertEquals(3, lines(f).size(), lines(f).toString());
      assertTrue(lines(f).get(2).startsWith("1 more connections'"), lines(f).get(2));
    }
  }

  private static void endOne(UnreadLinesFixture f, String connection) {
    Context.CancellableContext context = Context.current().withCancellation();
    UnreadReplies.Call call = f.unread.track(connection, "client", context, status -> false);
    call.sending();
    f.now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // its reply unsent for longer than the limit
    f.unread.check();
    assertTrue(context.isCancelled(), connection + " ended");
  }

  private static List<String> lines(UnreadLinesFixture f) {
    return f.lines(UnreadReplies.class);
  }
}
