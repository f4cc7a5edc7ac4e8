package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * At most one WARNING line a minute for one kind of event (a failed disk-tier write, a corrupt
 * record): the first is logged in full, later ones are counted and summed up by the first one
 * after the minute, naming the latest. A failing disk does not fill the log, and one failure
 * (a stray folder at one record's path) does not hide a different later one (the disk full).
 */
final class MinuteWarnings {
  static final Duration EVERY = Duration.ofMinutes(1);
  /** Said by the first line of each kind. */
  static final String COUNTED = "later ones are counted and logged at most once a minute";

  private final Logger log;
  private final Ticker ticker;
  private final String many;
  private boolean logged;
  private long last;
  private long held;

  /** {@code many}: the events in a summary, e.g. "writes failed". */
  MinuteWarnings(Logger log, Ticker ticker, String many) {
    this.log = log;
    this.ticker = ticker;
    this.many = many;
  }

  /**
   * Logs {@code line} when nothing of this kind was held back in the last minute; a summary
   * ending in {@code latest} when some was; nothing within a minute of the last line.
   */
  void warn(String line, String latest) {
    String due = due(line, latest);
    if (due != null) {
      log.warning(due);
    }
  }

  private synchronized String due(String line, String latest) {
    long now = ticker.read();
    if (logged && now - last < EVERY.toNanos()) {
      held++;
      return null;
    }
    String due = held == 0 ? line : String.format(Locale.ROOT,
        "depth disk cache: %d more %s in the last %d s (last: %s)", held + 1, many,
        (now - last) / 1_000_000_000L, latest);
    logged = true;
    last = now;
    held = 0;
    return due;
  }
}
