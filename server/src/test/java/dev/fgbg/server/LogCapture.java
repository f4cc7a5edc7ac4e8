package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every log record published while it is open, for tests that check what the server logged.
 * As a JUnit extension ({@code @ExtendWith(LogCapture.Clean.class)}) it fails a test whose log
 * holds a stack trace or a SEVERE record: an expected event (a bad request, a client that goes
 * away, a peer that does not speak gRPC) logs words, and a trace means a bug.
 */
public final class LogCapture implements AutoCloseable {
  private static final String LEAK_REPORTS = ResourceLeakDetector.class.getName();
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger root = Logger.getLogger("");
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  public LogCapture() {
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
  }

  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** Records of {@code logger} (by name). */
  public List<LogRecord> of(String logger) {
    return records.stream().filter(r -> logger.equals(r.getLoggerName())).toList();
  }

  /**
   * Records with a stack trace or at SEVERE, as "logger LEVEL: message (exception)"; but for
   * Netty's leak reports, which come when a collection finds a buffer one of the JVM's earlier
   * tests dropped (a 1% sample), so they say nothing of the test they land in.
   */
  public List<String> traces() {
    return records.stream().filter(r -> !LEAK_REPORTS.equals(r.getLoggerName()))
        .filter(r -> r.getThrown() != null
            || r.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogCapture::line).toList();
  }

  /** Fails naming every record with a stack trace or at SEVERE. */
  public void assertNoTraces() {
    assertEquals(List.of(), traces(), "the log holds stack traces or SEVERE records");
  }

  public static String line(LogRecord r) {
    return r.getLoggerName() + " " + r.getLevel() + ": " + r.getMessage()
        + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")");
  }

  @Override
  public void close() {
    root.removeHandler(handler);
  }

  /** Fails each test of a class whose log holds a stack trace or a SEVERE record. */
  public static final class Clean implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS =
        ExtensionContext.Namespace.create(Clean.class);

    @Override
    public void beforeEach(ExtensionContext context) {
      context.getStore(NS).put("log", new LogCapture());
    }

    @Override
    public void afterEach(ExtensionContext context) {
      try (LogCapture log = context.getStore(NS).remove("log", LogCapture.class)) {
        log.assertNoTraces();
      }
    }
  }
}
