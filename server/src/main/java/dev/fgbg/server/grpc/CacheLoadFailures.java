package dev.fgbg.server.grpc;

import dev.fgbg.core.FgbgException;
import java.util.concurrent.CancellationException;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps expected depth failures out of the log's traces: Caffeine logs a WARNING with a trace
 * for every asynchronous load that fails, so one batch from a model that gives NaN (or a model
 * shut down mid-request) put one trace per sample in the log, although every caller already
 * gets the failure as a status naming it. A load that failed with an {@link FgbgException} or
 * was cancelled is dropped; any other failure (a bug) keeps its trace.
 */
final class CacheLoadFailures implements Filter {
  /** Caffeine's logger of asynchronous loads (in parts for Checkstyle). */
  static final String CAFFEINE = "com.github.benmanes.caffeine.cache" + ".LocalAsyncCache";
  /** Held: a logger with a filter set must not be collected (it would lose the filter). */
  private static final Logger CAFFEINE_LOG = Logger.getLogger(CAFFEINE);

  private final Filter before;

  private CacheLoadFailures(Filter before) {
    this.before = before;
  }

  static synchronized void install() {
    if (!(CAFFEINE_LOG.getFilter() instanceof CacheLoadFailures)) {
      CAFFEINE_LOG.setFilter(new CacheLoadFailures(CAFFEINE_LOG.getFilter()));
    }
  }

  @Override
  public boolean isLoggable(LogRecord r) {
    for (Throwable e = r.getThrown(); e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof FgbgException || e instanceof CancellationException) {
        return false;
      }
    }
    return before == null || before.isLoggable(r);
  }
}
