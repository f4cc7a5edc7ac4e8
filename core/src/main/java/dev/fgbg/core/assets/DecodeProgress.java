package dev.fgbg.core.assets;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.Quoted;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Progress lines of a dataset's decoding, so that a start-up on a large photo folder does not
 * sit silent for half a minute: none while it is quick (under {@link #FIRST_NANOS}), then one
 * at most every {@link #EVERY_NANOS}, and a last one saying how long it took. Timed by an
 * injected ticker: tests drive it, not the wall clock.
 */
final class DecodeProgress {
  static final long FIRST_NANOS = TimeUnit.SECONDS.toNanos(2);
  static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final Logger LOG = Logger.getLogger(FolderAssets.class.getName());

  private final String dataset;
  private final int total;
  private final Ticker ticker;
  private final long start;
  private long next;
  private int done;
  private boolean told;

  DecodeProgress(String dataset, int total, Ticker ticker) {
    this.dataset = dataset;
    this.total = total;
    this.ticker = ticker;
    this.start = ticker.read();
    this.next = start + FIRST_NANOS;
  }

  /** One more image decoded (or refused), {@code loaded}: called by the decoding threads. */
  <T> T decoded(T loaded) {
    tick();
    return loaded;
  }

  private synchronized void tick() {
    done++;
    long now = ticker.read();
    if (now >= next && done < total) {
      LOG.info(String.format(Locale.ROOT, "dataset %s: decoded %d of %d images (%d s)",
          Quoted.of(dataset), done, total, TimeUnit.NANOSECONDS.toSeconds(now - start)));
      next = now + EVERY_NANOS;
      told = true;
    }
  }

  /**
   * The last line, once every image is decoded, when a progress line was logged or some of
   * them, {@code fromCache}, were read prepared from the cache (a start-up that says it used
   * the cache is one the user can tell from one that decoded everything).
   */
  synchronized void finished(int fromCache) {
    if (told || fromCache > 0) {
      LOG.info(String.format(Locale.ROOT, "dataset %s: decoded all %d images in %.1f s%s",
          Quoted.of(dataset), total, (ticker.read() - start) / 1e9,
          fromCache > 0 ? " (" + fromCache + " from the cache)" : ""));
    }
  }
}
