package dev.fgbg.server.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's and the JVM's own series under their standard Prometheus names, so that a
 * dashboard or an alert made for any JVM (resident memory against a container's limit, restarts,
 * heap) works on the server too: {@code process_resident_memory_bytes} (Linux's VmRSS),
 * {@code process_start_time_seconds}, {@code jvm_memory_used_bytes},
 * {@code jvm_memory_committed_bytes} and {@code jvm_memory_max_bytes} by {@code area} (heap,
 * nonheap; a max the JVM does not set is left out), and {@code fgbg_build_info} (1, labelled
 * with the server's version and the Java runtime's).
 */
final class ProcessMetrics {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMetrics() {}

  static void register(PrometheusRegistry registry) {
    GaugeWithCallback.builder().name("process_resident_memory_bytes")
        .help("Resident memory size in bytes (VmRSS)")
        .callback(cb -> {
          long rss = residentBytes();
          if (rss >= 0) {
            cb.call(rss);
          }
        }).register(registry);
    double start = ProcessHandle.current().info().startInstant()
        .map(i -> i.toEpochMilli() / 1e3)
        .orElse(ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3);
    GaugeWithCallback.builder().name("process_start_time_seconds")
        .help("Start time of the process since unix epoch in seconds")
        .callback(cb -> cb.call(start)).register(registry);
    area(registry, "jvm_memory_used_bytes", "Used bytes of a given JVM memory area",
        MemoryUsage::getUsed);
    area(registry, "jvm_memory_committed_bytes", "Committed (bytes) of a given JVM memory area",
        MemoryUsage::getCommitted);
    area(registry, "jvm_memory_max_bytes", "Max (bytes) of a given JVM memory area",
        MemoryUsage::getMax);
    String version = ProcessMetrics.class.getPackage().getImplementationVersion();
    String server = version == null ? "dev" : version; // classes, not the jar (tests, an IDE)
    GaugeWithCallback.builder().name("fgbg_build_info")
        .help("The server's version and its Java runtime's (always 1)")
        .labelNames("version", "java_version")
        .callback(cb -> cb.call(1, server, Runtime.version().toString())).register(registry);
  }

  private interface Figure {
    long of(MemoryUsage u);
  }

  private static void area(PrometheusRegistry registry, String name, String help, Figure f) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("area")
        .callback(cb -> {
          var memory = ManagementFactory.getMemoryMXBean();
          long heap = f.of(memory.getHeapMemoryUsage());
          long nonHeap = f.of(memory.getNonHeapMemoryUsage());
          if (heap >= 0) {
            cb.call(heap, "heap");
          }
          if (nonHeap >= 0) {
            cb.call(nonHeap, "nonheap");
          }
        }).register(registry);
  }

  /** VmRSS from /proc/self/status, or -1 where there is none (not Linux). */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          String[] f = line.substring(6).trim().split("\\s+");
          return Long.parseLong(f[0]) * 1024; // in kB
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no /proc: the series is left out
    }
    return -1;
  }
}
