package dev.fgbg.server.ui;

import com.google.gson.JsonElement;
import dev.fgbg.core.load.Admission;
import dev.fgbg.core.load.MemoryBudget;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DistributionDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Live server page's data, {@code /api/live}, asked for every second: the ServerStats answer
 * (streams, samples, rings, each depth model's cache, batcher and queue), open streams by client,
 * the memory budget, the Stats and export admissions, the UI's own grid pages, and every series of
 * the server's Prometheus registry as {@code /metrics} would show it now (samples and bytes per
 * method, open streams, render latency, depth cache results, export progress). The page turns
 * counters into rates between two answers.
 */
final class LivePage {
  /** One series of a metric: its labels and its value (counters, gauges) or count and sum. */
  record Point(Map<String, String> labels, Double value, Long count, Double sum) {}

  record Budget(long used, long capacity, long peak, int waiting, long waits) {}

  record Admitted(int running, int queued, long admitted, long refused) {}

  record Streams(int open, long refused, Map<String, Integer> byClient) {}

  record View(long timeMillis, JsonElement serverStats, Streams streams, Budget budget,
      Admitted stats, Admitted exports, Admitted gridPages, int renderQueued,
      Map<String, List<Point>> metrics) {}

  private final ServerView server;
  private final Admission gridPages;

  LivePage(ServerView server, Admission gridPages) {
    this.server = server;
    this.gridPages = gridPages;
  }

  Reply api(Request r) {
    r.query().allow(Set.of());
    MemoryBudget b = server.budget();
    return Reply.json(new View(System.currentTimeMillis(), Json.of(server.serverStats().get()),
        new Streams(server.streams().count(), server.streams().refused(),
            server.streams().openByClient()),
        new Budget(b.used(), b.capacity(), b.peak(), b.waiting(), b.waits()),
        admitted(server.stats()), admitted(server.exports()), admitted(gridPages),
        server.scheduler().queued(),
        metrics())).header("Cache-Control", "no-store");
  }

  private static Admitted admitted(Admission a) {
    return new Admitted(a.running(), a.queued(), a.admitted(), a.refused());
  }

  private Map<String, List<Point>> metrics() {
    Map<String, List<Point>> out = new TreeMap<>();
    for (MetricSnapshot m : server.metrics().registry().scrape()) {
      List<Point> points = new ArrayList<>();
      for (DataPointSnapshot p : m.getDataPoints()) {
        Map<String, String> labels = new TreeMap<>();
        for (Label l : p.getLabels()) {
          labels.put(l.getName(), l.getValue());
        }
        if (p instanceof CounterDataPointSnapshot c) {
          points.add(new Point(labels, c.getValue(), null, null));
        } else if (p instanceof GaugeDataPointSnapshot g) {
          points.add(new Point(labels, g.getValue(), null, null));
        } else if (p instanceof DistributionDataPointSnapshot d) {
          points.add(new Point(labels, null, d.getCount(), d.getSum()));
        }
      }
      out.put(m.getMetadata().getPrometheusName(), points);
    }
    return out;
  }
}
