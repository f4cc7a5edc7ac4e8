package dev.fgbg.server.admission;

import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.server.status.Statuses;
import dev.fgbg.server.transport.ConnectionCalls;
import io.grpc.Context;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Each client's open StreamEpoch calls and, for those the client is not reading, since when.
 * A stream whose client does not read keeps its slot while no one else needs it (its client may
 * be pausing, for a validation pass); when a stream of the same client is refused for want of a
 * slot, the one not read for longest, if for {@code limit} or more, is ended to make room (all
 * local processes are one client, and one stopped process would otherwise lock the others out).
 * A refusal that remains says how many of the client's streams are not read, and for how long.
 * The transport hears when a stream is not read ({@link ConnectionCalls}): a connection holding
 * only such streams may be closed for a new connection of its client. A stream not read holds
 * the budget's bytes of the messages stuck in its transport, which nothing else gives back: so
 * while others wait for memory, one not read within the GetSamples replies' limit is ended
 * ({@link #endUnread}), whoever its client.
 */
final class UnreadStreams implements UnreadReplies.Holder {
  private static final Logger LOG = Logger.getLogger(UnreadStreams.class.getName());
  private static final long READING = Long.MIN_VALUE;

  private final Map<String, Set<Watch>> open = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  private final long limitNanos;
  private final MinuteLines lines;
  private final MinuteLines memoryLines;

  /** @param limit how long a stream must have gone unread to be ended for a newcomer */
  UnreadStreams(LongSupplier clock, Duration limit) {
    this.clock = clock;
    this.limitNanos = limit.toNanos();
    this.lines = new MinuteLines(LOG, Level.WARNING, clock, (n, s, latest) -> String.format(
        Locale.ROOT, "%d more unread streams ended for a newcomer in the last %d s (last: %s)",
        n, s, latest));
    this.memoryLines = new MinuteLines(LOG, Level.WARNING, clock, (n, s, latest) -> String.format(
        Locale.ROOT, "%d more unread streams ended while others waited for memory in the last "
            + "%d s (last: %s)", n, s, latest));
  }

  /** One open stream of a client. */
  final class Watch {
    private final String client;
    private final Runnable release;
    private final Context.CancellableContext context;
    private final ConnectionCalls.Call call = ConnectionCalls.current();
    /** When the transport last took one of its messages, if it holds more; else READING. */
    private volatile long blockedSince = READING;

    private Watch(String client, Runnable release, Context.CancellableContext context) {
      this.client = client;
      this.release = release;
      this.context = context;
    }

    /**
     * A message was handed to the transport, which is ({@code ready}) or is not taking more.
     * The transport took what came before (a message goes out only while it takes them), so
     * the clock restarts: as GetSamples' rule counts from the last reply sent, only a stream
     * whose transport took nothing for the limit counts as not read that long.
     */
    void sent(boolean ready) {
      if (ready) {
        ready();
      } else {
        long now = clock.getAsLong();
        blockedSince = now;
        call.quietSince(now);
      }
    }

    /** The transport takes messages again. */
    void ready() {
      blockedSince = READING;
      call.busy();
    }

    /** The stream ended. */
    void close() {
      open.computeIfPresent(client, (c, s) -> {
        s.remove(this);
        return s.isEmpty() ? null : s;
      });
    }
  }

  /**
   * Watches a new stream of {@code client}: {@code release} gives its slot back, {@code context}
   * (null: it cannot be ended) ends it.
   */
  Watch open(String client, Runnable release, Context.CancellableContext context) {
    Watch w = new Watch(client, release, context);
    open.compute(client, (c, s) -> {
      Set<Watch> set = s != null ? s : ConcurrentHashMap.newKeySet();
      set.add(w);
      return set;
    });
    return w;
  }

  /**
   * Ends {@code client}'s stream not read for longest, if for the limit or more, giving its slot
   * back now; false when there is none. Its stream is reset (the client sees CANCELLED).
   */
  boolean endLongestUnread(String client) {
    Set<Watch> mine = open.get(client);
    if (mine == null) {
      return false;
    }
    long now = clock.getAsLong();
    Watch oldest = null;
    for (Watch w : mine) {
      long since = w.blockedSince;
      if (w.context != null && since != READING && now - since >= limitNanos
          && (oldest == null || since < oldest.blockedSince)) {
        oldest = w;
      }
    }
    if (oldest == null || !mine.remove(oldest)) {
      return false;
    }
    long unread = (now - oldest.blockedSince) / 1_000_000_000L;
    String why = String.format(Locale.ROOT, "stream not read for %d s, ended to give its slot "
        + "to a new stream of client %s (over --max-streams-per-client); streams not read for "
        + "%d s or more are ended when their client needs the slot", unread, client,
        limitNanos / 1_000_000_000L);
    lines.log(String.format(Locale.ROOT, "Ended a stream of client %s not read for %d s, to "
        + "give its slot to a new stream of that client; %s", client, unread,
        MinuteLines.COUNTED), client + ", not read for " + unread + " s");
    oldest.release.run();
    oldest.context.cancel(Statuses.resetUnread(why));
    return true;
  }

  /**
   * Ends every stream whose transport has not taken its messages for {@code limitNanos}
   * ({@code limit} in words), giving back what they hold: run while others wait for memory.
   */
  @Override
  public void endUnread(long limitNanos, String limit) {
    long now = clock.getAsLong();
    for (Set<Watch> mine : open.values()) {
      for (Watch w : mine) {
        long since = w.blockedSince;
        if (w.context == null || since == READING || now - since < limitNanos
            || !mine.remove(w)) {
          continue;
        }
        long unread = (now - since) / 1_000_000_000L;
        memoryLines.log(String.format(Locale.ROOT, "Ended a stream of client %s not read for "
            + "%d s while others waited for the server's memory (its messages in the transport "
            + "held the budget); %s", w.client, unread, MinuteLines.COUNTED),
            w.client + ", not read for " + unread + " s");
        w.context.cancel(Statuses.resetUnread("stream not read within " + limit + " while "
            + "other calls waited for the server's memory: the server ended it to give back "
            + "the memory its unread messages held"));
      }
    }
  }

  @Override
  public void flushLines(boolean stopping) {
    lines.flush(stopping);
    memoryLines.flush(stopping);
  }

  /**
   * Words on {@code client}'s streams not read for a second or more, to follow a refusal: empty
   * when there are none.
   */
  String unread(String client) {
    Set<Watch> mine = open.get(client);
    if (mine == null) {
      return "";
    }
    long now = clock.getAsLong();
    int n = 0;
    long longest = 0;
    long shortest = Long.MAX_VALUE;
    for (Watch w : mine) {
      long since = w.blockedSince;
      if (since != READING && now - since >= 1_000_000_000L) {
        n++;
        longest = Math.max(longest, now - since);
        shortest = Math.min(shortest, now - since);
      }
    }
    if (n == 0) {
      return "";
    }
    return String.format(Locale.ROOT, "; %d of %s's open streams %s not been read for %d s or "
        + "more (the longest for %d s): a process of that client that stopped reading (stopped, "
        + "stuck, or paused) holds them; one not read for %d s is ended when its client needs "
        + "the slot", n, client, n == 1 ? "has" : "have", shortest / 1_000_000_000L,
        longest / 1_000_000_000L, limitNanos / 1_000_000_000L);
  }
}
