package dev.fgbg.core;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The log lines a block of code writes under a logger name (a package catches its classes). */
public final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final List<String> lines = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      synchronized (lines) {
        lines.add(r.getLevel() + " " + r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private final Level before;

  private LogLines(String name) {
    this.logger = Logger.getLogger(name);
    this.before = logger.getLevel();
    // INFO at least, whatever an earlier test in this JVM set above it (the CLI quiets the
    // client's loggers to WARNING when run in-process).
    if (effective(logger).intValue() > Level.INFO.intValue()) {
      logger.setLevel(Level.INFO);
    }
    logger.addHandler(handler);
  }

  private static Level effective(Logger l) {
    for (Logger at = l; at != null; at = at.getParent()) {
      if (at.getLevel() != null) {
        return at.getLevel();
      }
    }
    return Level.INFO;
  }

  /** Starts capturing what {@code name} and the loggers below it write. */
  public static LogLines capture(String name) {
    return new LogLines(name);
  }

  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The captured lines that contain {@code fragment}. */
  public List<String> containing(String fragment) {
    return lines().stream().filter(l -> l.contains(fragment)).toList();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(before);
  }
}
