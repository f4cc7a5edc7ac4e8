package dev.fgbg.server.flags;

import dev.fgbg.common.Durations;
import dev.fgbg.server.admission.LoadOptions;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How much load {@code fgbg serve} takes on, and how long it gives calls when stopped. */
public final class LoadFlags {
  @Option(names = "--memory-budget-mb", description = "Bytes rendered ahead of what clients have "
      + "taken, over all streams, replies and shared-memory rings; a stream waits for budget "
      + "rather than allocate. ./fgbg serve sizes the JVM's heap to it. Default: 512 (half the "
      + "max heap, -Xmx, if that is less).")
  Long memoryBudgetMb;

  @Option(names = "--max-streams", description = "StreamEpoch calls open at once. Default: 256.")
  int maxStreams = 256;

  @Option(names = "--max-streams-per-client", description = "StreamEpoch calls one client (peer "
      + "address) may have open at once. Default: 64.")
  int maxStreamsPerClient = 64;

  @Option(names = "--max-stats", description = "Stats requests computed at once. Default: 2.")
  int maxStats = 2;

  @Option(names = "--stats-queue", description = "Stats requests that may wait for one of the "
      + "--max-stats; more are refused, and one client may hold at most half of both (one alone "
      + "may run on every free place). "
      + "Default: 16.")
  int statsQueue = 16;

  @Option(names = "--max-exports", description = "Exports running at once. Default: 4.")
  int maxExports = 4;

  @Option(names = "--export-queue", description = "Exports that may wait for one of the "
      + "--max-exports; more are refused, and one client may hold at most half of both (one alone "
      + "may run on every free place). "
      + "Default: 8.")
  int exportQueue = 8;

  @Option(names = "--max-galleries", description = "Gallery requests drawn at once, each charged "
      + "to the memory budget for its image, rows and PNG. Default: 2.")
  int maxGalleries = 2;

  @Option(names = "--gallery-queue", description = "Gallery requests that may wait for one of "
      + "the --max-galleries; more are refused, and one client holds at most half of "
      + "--max-galleries + --gallery-queue (one alone may draw on every free place). "
      + "Default: 16.")
  int galleryQueue = 16;

  @Option(names = "--shutdown-grace", description = "How long calls may run on after SIGTERM "
      + "(e.g. 5s, 500ms, 1m); then streams and exports end UNAVAILABLE (clients fail over or "
      + "run them again) and other calls are cancelled. Default: 5s.")
  String shutdownGrace = "5s";

  @Option(names = "--drain-delay", description = "On SIGTERM, how long health reports "
      + "NOT_SERVING while calls are still accepted and served, before the --shutdown-grace "
      + "stop (e.g. 5s: a pod's removal from its Service reaches clients first; replaces a "
      + "preStop sleep). A second SIGTERM or a SIGINT ends it early; SIGINT alone does not "
      + "wait. At most 10m. Default: 0s.")
  String drainDelay = "0s";

  /**
   * The validated load options for a JVM of {@code maxHeapBytes}; a bad value is an
   * IllegalArgumentException naming the flag.
   */
  public LoadOptions options(long maxHeapBytes) {
    return options(maxHeapBytes, Long.MAX_VALUE);
  }

  /**
   * As {@link #options(long)}, with the default budget at most {@code defaultCapBytes} (fitted
   * to a container's memory limit); a budget given by flag is kept.
   */
  public LoadOptions options(long maxHeapBytes, long defaultCapBytes) {
    LoadOptions.Builder b = LoadOptions.builder().maxStreams(maxStreams)
        .maxStreamsPerClient(maxStreamsPerClient).maxStats(maxStats).statsQueue(statsQueue)
        .maxExports(maxExports).exportQueue(exportQueue).maxGalleries(maxGalleries)
        .galleryQueue(galleryQueue)
        .memoryBudgetBytes(Math.min(defaultCapBytes,
            LoadOptions.defaultBudgetBytes(maxHeapBytes)));
    if (memoryBudgetMb != null) {
      long heapMb = maxHeapBytes >> 20;
      if (memoryBudgetMb < 1 || memoryBudgetMb > heapMb) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "--memory-budget-mb %d "
            + "must be between 1 and the JVM's max heap (%d MiB; raise it with -Xmx)",
            memoryBudgetMb, heapMb));
      }
      b.memoryBudgetBytes(memoryBudgetMb << 20);
    }
    return b.build();
  }

  /** Whether --memory-budget-mb was given (then it is never fitted to a container). */
  public boolean budgetGiven() {
    return memoryBudgetMb != null;
  }

  public Duration shutdownGrace() {
    return duration("--shutdown-grace", shutdownGrace);
  }

  /** Parsed only; its range is checked by {@code ServerOptions}, which names it as the flag. */
  public Duration drainDelay() {
    return duration("--drain-delay", drainDelay);
  }

  private static Duration duration(String flag, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " " + e.getMessage(), e);
    }
  }
}
