package dev.fgbg.common.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogFiltersTest {
  /** An owner of a filter, for the chain's once-per-owner rule. */
  private static final class Quiet {}

  private static final class Words {}

  private static LogRecord record(String message) {
    return new LogRecord(Level.WARNING, message);
  }

  @Test
  void chainingTwiceIsOneFilterAndTheOneBeforeStillHasItsSay() {
    String name = LogFiltersTest.class.getName() + ".twice";
    List<String> seenBefore = new ArrayList<>();
    Filter before = r -> {
      seenBefore.add(r.getMessage());
      return !r.getMessage().startsWith("before drops");
    };
    Logger.getLogger(name).setFilter(before);
    AtomicInteger made = new AtomicInteger();
    List<String> seen = new ArrayList<>();
    for (int k = 0; k < 2; k++) {
      LogFilters.chain(name, Quiet.class, () -> {
        made.incrementAndGet();
        return r -> {
          seen.add(r.getMessage());
          return !r.getMessage().startsWith("quiet drops");
        };
      });
    }
    assertEquals(1, made.get(), "the second chain of the same owner made no filter");
    Filter f = Logger.getLogger(name).getFilter();
    Chained c = (Chained) f;
    assertSame(before, c.before(), "one filter of Quiet's, in front of the logger's own");
    assertTrue(f.isLoggable(record("kept")));
    assertFalse(f.isLoggable(record("quiet drops this")));
    assertFalse(f.isLoggable(record("before drops this")), "the previous filter's verdict");
    assertEquals(List.of("kept", "quiet drops this", "before drops this"), seenBefore);
    assertEquals(List.of("kept", "quiet drops this"), seen,
        "what the filter before drops never reaches the one chained after it");
  }

  @Test
  void anotherOwnerChainsBehindAndEachStaysOnce() {
    String name = LogFiltersTest.class.getName() + ".two";
    LogFilters.chain(name, Quiet.class, () -> r -> !r.getMessage().equals("a"));
    LogFilters.chain(name, Words.class, () -> r -> !r.getMessage().equals("b"));
    LogFilters.chain(name, Quiet.class, () -> r -> false);
    LogFilters.chain(name, Words.class, () -> r -> false);
    Filter f = Logger.getLogger(name).getFilter();
    assertEquals(Words.class, ((Chained) f).owner());
    assertEquals(Quiet.class, ((Chained) ((Chained) f).before()).owner());
    assertEquals(null, ((Chained) ((Chained) f).before()).before());
    assertFalse(f.isLoggable(record("a")));
    assertFalse(f.isLoggable(record("b")));
    assertTrue(f.isLoggable(record("c")));
  }

  @Test
  void theLoggerIsHeldSoItsFilterIsNotCollected() throws Exception {
    String name = LogFiltersTest.class.getName() + ".held";
    LogFilters.chain(name, Quiet.class, () -> r -> false);
    for (int k = 0; k < 5; k++) {
      System.gc();
      Thread.sleep(10);
    }
    // No test reference to the logger was kept: a collected one would come back filterless.
    assertTrue(Logger.getLogger(name).getFilter() instanceof Chained);
  }
}
