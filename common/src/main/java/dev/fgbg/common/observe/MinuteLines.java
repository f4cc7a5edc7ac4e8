package dev.fgbg.common.observe;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At most one log line a minute for one kind of event (a failed disk-tier write, a refused
 * call, a dropped connection): the first is logged in full, later ones are counted and summed up
 * by the first one after the minute, naming the latest. A failing disk or a hostile client does
 * not fill the log, and one cause (a stray folder) does not hide a different later one (the disk
 * full). An owner with a timer calls {@link #flush} on it, so that the count of a burst's last
 * minute is logged once the minute is over, not only when a later event comes (if ever).
 */
public final class MinuteLines {
  public static final Duration EVERY = Duration.ofMinutes(1);
  /** Said by the first line of each kind. */
  public static final String COUNTED = "later ones are counted and logged at most once a minute";

  /** The line summing up events held back. */
  public interface Summary {
    /**
     * @param count the events since the last line (the one that brings the summary, if one
     *     does, among them)
     * @param seconds since the last line
     * @param latest the latest event in words
     */
    String line(long count, long seconds, String latest);
  }

  private final Logger log;
  private final Level level;
  private final LongSupplier nanos;
  private final Summary summary;
  private boolean logged;
  private long last;
  private long held;
  private String latestHeld;

  /**
   * @param nanos a nanosecond clock (a test's own, to pass the minute)
   * @param summary words for the events held back (their count, the seconds, the latest)
   */
  public MinuteLines(Logger log, Level level, LongSupplier nanos, Summary summary) {
    this.log = log;
    this.level = level;
    this.nanos = nanos;
    this.summary = summary;
  }

  /**
   * Lines of {@code many} (e.g. "failed depth batches") summed up in the usual words: "N more
   * {@code many} in the last S s (last: LATEST)".
   */
  public static MinuteLines of(Logger log, Level level, LongSupplier nanos, String many) {
    return new MinuteLines(log, level, nanos, (n, s, latest) -> String.format(Locale.ROOT,
        "%d more %s in the last %d s (last: %s)", n, many, s, latest));
  }

  /**
   * Logs {@code line} when nothing of this kind was held back in the last minute; a summary
   * ending in {@code latest} when some was; nothing within a minute of the last line.
   */
  public void log(String line, String latest) {
    String due = due(line, latest);
    if (due != null) {
      log.log(level, due);
    }
  }

  /**
   * Logs the summary of the events held back once the minute since the last line is over (or
   * now, when {@code evenWithinTheMinute}: the owner is stopping); nothing when none were held.
   * A later event is then held back for a minute from this line, as from any.
   */
  public void flush(boolean evenWithinTheMinute) {
    String due;
    synchronized (this) {
      long now = nanos.getAsLong();
      if (held == 0 || (!evenWithinTheMinute && now - last < EVERY.toNanos())) {
        return;
      }
      due = summary.line(held, (now - last) / 1_000_000_000L, latestHeld);
      last = now;
      held = 0;
      latestHeld = null;
    }
    log.log(level, due);
  }

  private synchronized String due(String line, String latest) {
    long now = nanos.getAsLong();
    if (logged && now - last < EVERY.toNanos()) {
      held++;
      latestHeld = latest;
      return null;
    }
    String due = held == 0 ? line : summary.line(held + 1, (now - last) / 1_000_000_000L, latest);
    logged = true;
    last = now;
    held = 0;
    latestHeld = null;
    return due;
  }
}
