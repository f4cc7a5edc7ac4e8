package dev.fgbg.server;

import java.util.logging.SimpleFormatter;

/** One line per log record: date, time, level, logger, message. */
final class LogFormat {
  private static final String PROPERTY = SimpleFormatter.class.getName() + ".format";

  private LogFormat() {}

  /** Installs the format unless the user set one (must run before the first logger is made). */
  static void install() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
    }
  }
}
