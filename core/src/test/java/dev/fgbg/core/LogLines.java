package dev.fgbg.core;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
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

  private LogLines(String name) {
    this.logger = Logger.getLogger(name);
    logger.addHandler(handler);
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
  }
}
