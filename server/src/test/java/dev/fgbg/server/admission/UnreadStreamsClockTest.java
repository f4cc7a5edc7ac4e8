package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The memory rule counts from when the stream's transport last took a message, as GetSamples'
 * counts from the last reply sent: a message handed over means the transport took the one
 * before, even when it is not ready again before its onReady is heard.
 */
class UnreadStreamsClockTest {
  private static final long LIMIT = TimeUnit.MILLISECONDS.toNanos(1500);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aStreamWhoseTransportTookAMessageWithinTheLimitIsNotEnded() {
    UnreadStreams streams = new UnreadStreams(now::get, Duration.ofSeconds(30));
    Context.CancellableContext context = Context.current().withCancellation();
    UnreadStreams.Watch watch = streams.open("client", () -> {}, context);
    watch.sent(false);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    watch.sent(false); // the transport took the first: the second went out, and it is full
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    streams.endUnread(LIMIT, "1.5 s");
    assertFalse(context.isCancelled(), "its transport took a message 1 s ago");

    now.addAndGet(TimeUnit.SECONDS.toNanos(1)); // then nothing for 2 s
    streams.endUnread(LIMIT, "1.5 s");
    assertTrue(context.isCancelled(), "its transport took nothing for 2 s");
  }
}
