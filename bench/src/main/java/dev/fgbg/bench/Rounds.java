package dev.fgbg.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Comparisons measured in interleaved rounds, so that a machine's changing load falls on both
 * sides: each round's two rates (and the CPU time each item took, which load changes much less)
 * on stderr as it comes, and each comparison's median ratio at the end.
 */
final class Rounds {
  /** One side of a round: items per second and CPU microseconds per item (NaN: unknown). */
  record Side(String name, double rate, double cpuMicros) {
    /** The mean of two measurements of one side (before and after the other). */
    static Side mean(String name, Side a, Side b) {
      return new Side(name, (a.rate() + b.rate()) / 2, (a.cpuMicros() + b.cpuMicros()) / 2);
    }
  }

  private final Map<String, List<double[]>> byComparison = new LinkedHashMap<>();

  /** This JVM's CPU time so far, in seconds. */
  static double ownCpuSeconds() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  void add(String comparison, int round, Side a, Side b) {
    System.err.printf(Locale.ROOT, "%s, round %d: %s, %s: ratio %.3f%n", comparison, round,
        describe(a), describe(b), a.rate() / b.rate());
    if (!Double.isNaN(b.rate())) {
      byComparison.computeIfAbsent(comparison, k -> new ArrayList<>()).add(new double[] {
          a.rate() / b.rate(), b.cpuMicros() / a.cpuMicros()});
    }
  }

  private static String describe(Side s) {
    return String.format(Locale.ROOT, "%s %.1f/s", s.name(), s.rate())
        + (Double.isNaN(s.cpuMicros()) ? "" : String.format(Locale.ROOT, " (%,.0f µs CPU each)",
        s.cpuMicros()));
  }

  /** Each comparison's median ratio of rates, and of CPU per item (inverted: higher is better). */
  void summary() {
    byComparison.forEach((name, rounds) -> System.out.printf(Locale.ROOT,
        "ratio %s: %.3f (median of %s); CPU per item, inverse ratio: %.3f%n", name,
        median(rounds, 0), rounds.stream().map(r -> String.format(Locale.ROOT, "%.3f", r[0]))
            .toList(), median(rounds, 1)));
  }

  private static double median(List<double[]> rounds, int i) {
    List<Double> sorted = rounds.stream().map(r -> r[i]).sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
