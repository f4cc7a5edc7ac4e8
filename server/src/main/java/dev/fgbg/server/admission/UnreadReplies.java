package dev.fgbg.server.admission;

import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.server.status.Statuses;
import io.grpc.Context;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends the GetSamples calls of a connection whose client has stopped taking its replies, once
 * others wait for memory: a reply stays charged to the budget until the transport has sent it
 * ({@code UntilSent}), so without this, a few connections that never read (a stopped process,
 * or a flood) hold the whole budget and every other client's call waits for good.
 *
 * <p>A connection is not reading when it has replies in the transport and none of them went
 * out for {@code limit} (counted from the first handed over, or the last sent: a slow link that
 * sends replies one after another keeps its calls). Then, and only while some call waits for the
 * budget (or a stream was short of it), all its GetSamples calls end, those in the transport
 * (their streams are reset, which drops the bytes queued for them) and those still waiting or
 * rendering (they get DEADLINE_EXCEEDED naming why). Its later calls are served as usual.
 * A reply waiting for room under the cap on all replies ({@link ReplyCap}) waits for memory
 * as one in the budget's queue does: the cap is where non-reading connections hold replies.
 * Streams whose messages sit unread in the transport are ended by the same rule, at the same
 * checks ({@link #whileShort}).
 */
public final class UnreadReplies {
  private static final Logger LOG = Logger.getLogger(UnreadReplies.class.getName());

  private enum State { WAITING, SENDING, ENDED }

  /** One connection's tracked calls. */
  private static final class Connection {
    final Set<Call> calls = new LinkedHashSet<>();
    int sending;
    /** When its transport last progressed: its first reply handed over, or one sent. */
    long since;
  }

  private final MemoryBudget budget;
  private final ReplyCap cap;
  private final long limitNanos;
  private final LongSupplier clock;
  private final Map<String, Connection> connections = new HashMap<>();
  private final MinuteLines lines;
  private final List<Holder> holders = new CopyOnWriteArrayList<>();
  private volatile long lastShort = Long.MIN_VALUE / 2;

  /**
   * @param limit how long a connection's replies may go unsent while others wait
   * @param timer runs the check, every fifth of {@code limit} (at least every 0.1 s)
   */
  UnreadReplies(MemoryBudget budget, ReplyCap cap, Duration limit,
      ScheduledExecutorService timer, LongSupplier clock) {
    this.budget = budget;
    this.cap = cap;
    this.limitNanos = limit.toNanos();
    this.clock = clock;
    this.lines = new MinuteLines(LOG, Level.WARNING, clock, (n, s, latest) -> String.format(
        Locale.ROOT, "%d more connections' GetSamples calls ended, their replies not read "
            + "within %s while others waited for memory, in the last %d s (last: %s)", n,
        seconds(), s, latest));
    budget.onWait(() -> lastShort = clock.getAsLong());
    cap.onWait(() -> lastShort = clock.getAsLong());
    long period = Math.max(100, limit.toMillis() / 5);
    timer.scheduleWithFixedDelay(() -> {
      try {
        check();
        flush(false); // a minute's count held back is said once the minute is over
      } catch (RuntimeException e) { // a bug: the check must go on (a throw would end it)
        LOG.log(Level.WARNING, "checking for unread GetSamples replies failed", e);
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  /** The server stops: the counts of ended calls and streams held back are logged now. */
  public void stop() {
    flush(true);
  }

  private void flush(boolean stopping) {
    lines.flush(stopping);
    holders.forEach(h -> h.flushLines(stopping));
  }

  /** Other holders of the budget's bytes that this rule ends (streams), and their lines. */
  interface Holder {
    /**
     * Ends those whose transport took nothing for {@code limitNanos} ({@code limit} in words):
     * run at each check while others wait for memory.
     */
    void endUnread(long limitNanos, String limit);

    /**
     * Logs the count of endings held back once its minute is over, or now when
     * {@code stopping}: run at each check, and at the stop.
     */
    void flushLines(boolean stopping);
  }

  /** Ends {@code holder}'s unread at each check while others wait, flushes its lines at each. */
  void whileShort(Holder holder) {
    holders.add(holder);
  }

  /** How long replies may go unread while others wait, in words. */
  String seconds() {
    double s = limitNanos / 1e9;
    return s == Math.rint(s) ? String.format(Locale.ROOT, "%.0f s", s)
        : String.format(Locale.ROOT, "%.1f s", s);
  }

  /** Ends a call still waiting for its bytes, if it is; else says it is not. */
  public interface Waiting {
    /** True when the call was still waiting and is now ended with {@code status}. */
    boolean end(Status status);
  }

  /**
   * Tracks a GetSamples call of {@code client} on {@code connection}: {@code waiting} ends it
   * while it waits for its bytes, {@code context} (null: the call cannot be ended, and is not
   * tracked) once it has them.
   */
  public Call track(String connection, String client, Context.CancellableContext context,
      Waiting waiting) {
    Call c = new Call(connection, client, context, waiting);
    if (context != null) {
      synchronized (this) {
        connections.computeIfAbsent(connection, k -> new Connection()).calls.add(c);
      }
    }
    return c;
  }

  /** A tracked call; its methods may run in any order, on any thread. */
  public final class Call {
    private final String connection;
    private final String client;
    private final Context.CancellableContext context;
    private final Waiting waiting;
    private State state = State.WAITING;

    private Call(String connection, String client, Context.CancellableContext context,
        Waiting waiting) {
      this.connection = connection;
      this.client = client;
      this.context = context;
      this.waiting = waiting;
    }

    /** Its reply is in the transport now. */
    public void sending() {
      synchronized (UnreadReplies.this) {
        Connection c = connections.get(connection);
        if (state != State.WAITING || c == null) {
          return;
        }
        state = State.SENDING;
        if (c.sending++ == 0) {
          c.since = clock.getAsLong();
        }
      }
    }

    /** The call ended: {@code sent}, its status went out; otherwise it was cancelled. */
    public void ended(boolean sent) {
      synchronized (UnreadReplies.this) {
        Connection c = connections.get(connection);
        if (state == State.ENDED || c == null) {
          state = State.ENDED;
          return;
        }
        if (state == State.SENDING) {
          c.sending--;
          if (sent) {
            c.since = clock.getAsLong();
          }
        }
        state = State.ENDED;
        c.calls.remove(this);
        if (c.calls.isEmpty()) {
          connections.remove(connection);
        }
      }
    }
  }

  /** Ends the calls of connections not reading, when others wait for memory. */
  void check() {
    long now = clock.getAsLong();
    if (budget.waiting() == 0 && cap.waiting() == 0
        && now - lastShort > limitNanos / 5 + 100_000_000L) {
      return;
    }
    List<List<Call>> ending = new ArrayList<>();
    synchronized (this) {
      var it = connections.values().iterator();
      while (it.hasNext()) {
        Connection c = it.next();
        if (c.sending > 0 && now - c.since >= limitNanos) {
          c.calls.forEach(call -> call.state = State.ENDED);
          ending.add(new ArrayList<>(c.calls));
          it.remove();
        }
      }
    }
    for (List<Call> calls : ending) {
      end(calls);
    }
    holders.forEach(h -> h.endUnread(limitNanos, seconds()));
  }

  private void end(List<Call> calls) {
    Call last = calls.get(calls.size() - 1);
    String why = "GetSamples reply not read within " + seconds() + " while other calls waited "
        + "for the server's memory: the server ended this connection's " + calls.size()
        + " GetSamples calls";
    lines.log(String.format(Locale.ROOT, "Ended %d GetSamples calls of client %s (connection "
        + "%s): replies not read within %s while others waited for memory; %s", calls.size(),
        last.client, last.connection, seconds(), MinuteLines.COUNTED),
        last.client + " (" + last.connection + ")");
    for (Call c : calls) {
      // One still waiting hears why; one rendering or in the transport is reset (its bytes
      // may sit behind replies the client does not read).
      if (!c.waiting.end(Statuses.notRead(why))) {
        c.context.cancel(Statuses.resetUnread(why));
      }
    }
  }
}
