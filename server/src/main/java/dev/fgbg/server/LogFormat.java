package dev.fgbg.server;

import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One line per log record: date and time to the millisecond with the zone's UTC offset
 * (ISO-8601: lines of one second are ordered, and pods in other zones compare), level, logger,
 * message; kept through shutdown.
 */
final class LogFormat {
  private static final String PROPERTY = SimpleFormatter.class.getName() + ".format";
  private static final String MANAGER = "java.util.logging.manager";

  private LogFormat() {}

  /** Installs the format unless the user set one (must run before the first logger is made). */
  static void install() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n");
    }
    if (System.getProperty(MANAGER) == null) {
      System.setProperty(MANAGER, ShutdownLogManager.class.getName());
    }
    // The root's handlers are made on first use, never once the JDK's shutdown hook has run:
    // a line a hook logs first (a stop during start-up) would otherwise go nowhere.
    Logger.getLogger("").getHandlers();
  }

  /**
   * The JDK's log manager removes every handler in a shutdown hook of its own, which may run
   * before the server's: what the server logs while it stops (calls cancelled after the grace)
   * would be lost. This one keeps its handlers; they flush every record anyway.
   */
  public static final class ShutdownLogManager extends LogManager {
    @Override
    public void reset() {
      // Nothing is configured after start-up, and the handlers must outlive the JVM's hooks.
    }
  }
}
