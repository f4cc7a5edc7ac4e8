package dev.fgbg.server;

import dev.fgbg.common.InWords;
import dev.fgbg.core.concurrent.NamedThreads;
import dev.fgbg.server.rpc.FgbgServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;

/**
 * The two INFO lines of a server's stop: one as it begins (why, what is open, the grace), one
 * when it is done (how long it took). Without them a SIGTERM'd server exited in silence, and an
 * operator could not tell a stop from a crash, nor see what the grace cut short.
 */
final class StopLines {
  private static final Logger LOG = Logger.getLogger(FgbgApplication.class.getName());

  /**
   * How long the threads of what the stop ended (exports, Stats, renders) get to finish before
   * the stop line; within {@code Main.STOP_SLACK} with the stop's own waits.
   */
  static final Duration WIND_DOWN = Duration.ofMillis(500);

  /** A stop signal and when it came ({@link System#nanoTime()}), before any drain. */
  record Signalled(String signal, long nanos) {}

  private final long start = System.nanoTime();
  private final Signalled signalled;

  private StopLines(Signalled signalled) {
    this.signalled = signalled;
  }

  /**
   * Logs the first line; {@code server} may be null (a start that failed), {@code signalled}
   * too (no signal: a close, the JVM's exit); {@code uiRequests}: the web UI's under way,
   * named when there are any (they get the grace too).
   */
  static StopLines begin(String why, FgbgServer server, int uiRequests, Duration grace,
      Signalled signalled) {
    String ui = uiRequests == 0 ? "" : " and " + InWords.count(uiRequests, "web UI request");
    String open = server == null ? "" : "; " + InWords.count(server.streams().count(), "stream")
        + (ui.isEmpty() ? " and " : ", ") + InWords.count(server.exportAdmission().running(),
            "export") + ui + " open";
    LOG.info(String.format(Locale.ROOT, "stopping (%s)%s; calls get --shutdown-grace %d ms",
        why, open, grace.toMillis()));
    return new StopLines(signalled);
  }

  /**
   * Waits, {@link #WIND_DOWN} at most, for the threads of what the stop ended (the server's
   * call threads, {@code renders} shut down); what still runs, in words ("" when nothing).
   */
  static String windDown(FgbgServer server, ExecutorService renders) {
    long until = System.nanoTime() + WIND_DOWN.toNanos();
    try {
      int calls = server == null ? 0 : server.awaitCallThreads(until);
      int rendering = NamedThreads.awaitIdle(renders, until);
      List<String> left = new ArrayList<>();
      if (calls > 0) {
        left.add(InWords.count(calls, "call thread") + " (exports, Stats)");
      }
      if (rendering > 0) {
        left.add(InWords.count(rendering, "render thread"));
      }
      return String.join(" and ", left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "threads not waited for (interrupted)";
    }
  }

  /**
   * Logs the second line, the stop's last act, naming {@code left}: what the exit cuts off. After
   * a signal it also counts from the signal, its drain included: the time the exit took.
   */
  void stopped(String left) {
    long now = System.nanoTime();
    String since = signalled == null ? "" : String.format(Locale.ROOT, " (%.2f s since %s)",
        (now - signalled.nanos()) / 1e9, signalled.signal());
    LOG.info(String.format(Locale.ROOT, "stopped after %.2f s%s%s", (now - start) / 1e9, since,
        left.isEmpty() ? "" : "; still running, cut off by the exit: " + left));
  }
}
