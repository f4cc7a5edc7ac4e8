package dev.fgbg.server.observe;

import dev.fgbg.common.Causes;
import dev.fgbg.common.observe.LogFilters;
import dev.fgbg.core.FgbgException;
import java.util.concurrent.CancellationException;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

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

  private CacheLoadFailures() {}

  static void install() {
    LogFilters.chain(CAFFEINE, CacheLoadFailures.class, CacheLoadFailures::new);
  }

  @Override
  public boolean isLoggable(LogRecord r) {
    for (Throwable e : Causes.chain(r.getThrown())) {
      if (e instanceof FgbgException || e instanceof CancellationException) {
        return false;
      }
    }
    return true;
  }
}
