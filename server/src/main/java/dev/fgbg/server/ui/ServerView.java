package dev.fgbg.server.ui;

import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.load.Admission;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.core.load.RenderScheduler;
import dev.fgbg.core.load.StreamCaps;
import dev.fgbg.server.metrics.ServerMetrics;
import dev.fgbg.server.rpc.FgbgServer;
import dev.fgbg.v1.ServerStatsResponse;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the web UI reads of a running server: the very objects its gRPC service uses, so the UI
 * shows what trainers get and its work is scheduled and budgeted with theirs.
 *
 * @param registry the datasets served
 * @param scheduler the fair render scheduler (the UI renders on lanes of its own)
 * @param budget the memory budget the UI's renders are charged to
 * @param stats the admission of Stats requests (the UI's Stats runs take a permit too)
 * @param exports the admission of exports (shown)
 * @param streams open streams, over all and per client (shown)
 * @param serverStats what the ServerStats call answers now
 * @param metrics the server's Prometheus registry (shown: rates, latencies, depth cache)
 */
public record ServerView(DatasetRegistry registry, RenderScheduler scheduler, MemoryBudget budget,
    Admission stats, Admission exports, StreamCaps streams,
    Supplier<ServerStatsResponse> serverStats, ServerMetrics metrics) {

  public ServerView {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(exports, "exports");
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(serverStats, "serverStats");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** The view of {@code server}, which must have been built with {@code metrics}. */
  public static ServerView of(FgbgServer server, DatasetRegistry registry,
      ServerMetrics metrics) {
    return new ServerView(registry, server.scheduler(), server.budget(),
        server.statsAdmission(), server.exportAdmission(), server.streams(),
        server::serverStats, metrics);
  }
}
