package dev.fgbg.common.observe;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/** {@code owner}'s filter after {@code before} (null: none), as {@link LogFilters} chains it. */
record Chained(Class<?> owner, Filter before, Filter filter) implements Filter {
  @Override
  public boolean isLoggable(LogRecord r) {
    return (before == null || before.isLoggable(r)) && filter.isLoggable(r);
  }
}
