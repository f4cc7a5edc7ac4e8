package dev.fgbg.common.observe;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * Puts a filter in front of a library's logger (Netty's, Caffeine's, ONNX Runtime's), which
 * logs an expected event with a trace: the one way fgbg's log filters install themselves. The
 * filter is chained after the logger's own, which keeps the first say: a record is logged when
 * both let it through, and a filter that drops what it words sees only what the one before let
 * through.
 */
public final class LogFilters {
  /** Held: a logger with a filter set must not be collected (it would lose the filter). */
  private static final Map<String, Logger> HELD = new HashMap<>();

  private LogFilters() {}

  /**
   * Chains the filter {@code make} gives after the filter of the logger named {@code logger},
   * once per {@code owner}: when a filter of {@code owner}'s is already in that logger's chain,
   * nothing changes (a second server in the process, a test) and {@code make} is not called.
   */
  public static synchronized void chain(String logger, Class<?> owner,
      Supplier<? extends Filter> make) {
    Logger held = HELD.computeIfAbsent(logger, Logger::getLogger);
    for (Filter f = held.getFilter(); f instanceof Chained c; f = c.before()) {
      if (c.owner() == owner) {
        return;
      }
    }
    held.setFilter(new Chained(owner, held.getFilter(), make.get()));
  }
}
