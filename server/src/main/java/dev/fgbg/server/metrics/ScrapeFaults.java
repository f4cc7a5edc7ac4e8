package dev.fgbg.server.metrics;

import dev.fgbg.common.Causes;
import dev.fgbg.common.observe.LogFilters;
import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.Quoted;
import java.io.IOException;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps scrapers that go away out of the log's traces: the Prometheus client's HTTP server logs
 * every /metrics reply it cannot send (the client reset the connection, a scrape timed out)
 * at SEVERE with a ~26-line trace, so anyone who can reach the metrics port could fill the log.
 * Such a record, one whose exception is an {@link IOException} or caused by one, becomes one FINE
 * line in words and at most one INFO line a minute counting them; any other failure (a bug in
 * collecting the metrics) keeps its trace. A reply cut off by its own server's stop (which
 * closes the connections under the replies) is said so, not blamed on the client: each server
 * has a {@link Stop}, which its pool's threads carry.
 */
final class ScrapeFaults implements Filter {
  /** The Prometheus client's logger of failed replies (in parts for Checkstyle). */
  static final String EXCHANGE = "io.prometheus.metrics.exporter.httpserver"
      + ".HttpExchangeAdapter";
  private static final Logger LOG = Logger.getLogger(ScrapeFaults.class.getName());
  /** The stop of the metrics server whose pool runs this thread; null on other threads. */
  private static final ThreadLocal<Stop> SERVER = new ThreadLocal<>();

  private final MinuteLines gone;

  ScrapeFaults(LongSupplier nanos) {
    this.gone = new MinuteLines(LOG, Level.INFO, nanos, (n, s, latest) -> String.format(
        Locale.ROOT, "%d metrics replies not sent, their client gone, in the last %d s; the"
        + " latest: %s", n, s, latest));
  }

  /** Installs the filter once per process (the logger is the process's). */
  static void install() {
    LogFilters.chain(EXCHANGE, ScrapeFaults.class, () -> new ScrapeFaults(System::nanoTime));
  }

  @Override
  public boolean isLoggable(LogRecord r) {
    IOException io = clientGone(r.getThrown());
    if (io == null) {
      return true;
    }
    Stop stop = SERVER.get();
    if (stop != null && stop.stopping) {
      LOG.info("metrics reply not sent: the server is stopping");
      return false;
    }
    String why = Quoted.of(io.getMessage() == null ? io.getClass().getSimpleName()
        : io.getMessage());
    String line = "metrics reply not sent: the client went away (" + why + ")";
    LOG.fine(line);
    gone.log(line + " (later ones are logged at FINE and counted here at most once a minute)",
        why);
    return false;
  }

  /** One metrics server's stop, as the threads of its pool tell the filter. */
  static final class Stop {
    private volatile boolean stopping;

    /** {@code work} as a thread of this server's pool runs it. */
    Runnable around(Runnable work) {
      return () -> {
        SERVER.set(this);
        work.run();
      };
    }

    /** From now on, a reply its threads cannot send was cut off by the stop. */
    void begin() {
      stopping = true;
    }
  }

  /** The I/O failure in {@code t}'s causes (the connection, not the metrics), or null. */
  static IOException clientGone(Throwable t) {
    return Causes.find(t, IOException.class).orElse(null);
  }
}
