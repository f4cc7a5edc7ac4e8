package dev.fgbg.server;

import dev.fgbg.server.flags.ServeFlags;
import dev.fgbg.server.options.ServerOptions;
import java.util.Locale;
import java.util.logging.Level;

/**
 * A server fitted to its container's memory limit ({@link ContainerMemory}): the kernel kills
 * a process past it, so the heap ({@link JvmSizing}) and what lives beside it must fit
 * together. Beside the heap: the memory budget once more (the transport's direct buffers and
 * shared-memory rings, which count against the container, hold bytes the budget charges),
 * {@link #JVM_BYTES} for the JVM itself and, with a depth model, {@link #MODEL_BYTES} for ONNX
 * Runtime's native arenas. A budget left to its default is lowered until all of it fits (not
 * below {@link #MIN_BUDGET_BYTES}); one given by flag, or an -Xmx, is kept and a WARNING says
 * when it cannot fit.
 */
final class ContainerFit {
  /** Metaspace, code cache, thread stacks, the collector's tables, malloc arenas. */
  static final long JVM_BYTES = 256L << 20;
  /** ONNX Runtime's native memory for a model's sessions and arenas. */
  static final long MODEL_BYTES = 256L << 20;
  /** A fitted budget is never smaller (a 224x224 sample with depth is about 0.3 MB). */
  static final long MIN_BUDGET_BYTES = 32L << 20;

  private ContainerFit() {}

  /** What the process holds outside the heap at full load with {@code o}. */
  static long outsideHeapBytes(ServerOptions o) {
    return JVM_BYTES + o.load().memoryBudgetBytes() + (JvmSizing.usesDepthModel(o) ? MODEL_BYTES
        : 0);
  }

  /** Heap and the rest at full load, for {@code o} in a heap sized by {@link JvmSizing}. */
  static long totalBytes(ServerOptions o) {
    return JvmSizing.heapBytes(o) + outsideHeapBytes(o);
  }

  /**
   * The options {@code flags} make in a JVM of {@code maxHeapBytes} and a container of
   * {@code limitBytes} ({@link ContainerMemory#NONE}: none): the default budget lowered to fit.
   */
  static ServerOptions options(ServeFlags flags, long maxHeapBytes, long limitBytes) {
    ServerOptions o = flags.options(maxHeapBytes);
    if (limitBytes == ContainerMemory.NONE || flags.budgetGiven()) {
      return o;
    }
    long budget = o.load().memoryBudgetBytes();
    // The budget counts 1.5 times in the heap and once beside it; the rest does not move.
    long rest = totalBytes(o) - budget * 5 / 2;
    long fit = Math.max(MIN_BUDGET_BYTES, (limitBytes - rest) * 2 / 5 >> 20 << 20);
    return fit >= budget ? o : flags.options(maxHeapBytes, fit);
  }

  /** One start-up line about the container: INFO when it fits, WARNING when it cannot. */
  record Line(Level level, String message) {}

  /**
   * The line for a server with {@code o} in a heap of {@code maxHeapBytes} and a container of
   * {@code limitBytes}, or null without a limit; {@code defaultBudgetBytes} is the budget the
   * server would have had without one.
   */
  static Line line(ServerOptions o, long maxHeapBytes, long limitBytes, long defaultBudgetBytes) {
    if (limitBytes == ContainerMemory.NONE) {
      return null;
    }
    long budget = o.load().memoryBudgetBytes();
    long outside = outsideHeapBytes(o);
    String model = JvmSizing.usesDepthModel(o) ? ", a depth model's native memory" : "";
    if (maxHeapBytes + outside > limitBytes) {
      return new Line(Level.WARNING, String.format(Locale.ROOT, "the container's memory limit "
          + "is %d MiB, but the heap (%d MiB) and what the server holds beside it (%d MiB: the "
          + "memory budget of %d MiB once more for transport buffers and shared-memory rings%s,"
          + " the JVM itself) come to %d MiB: under load the kernel may kill the server; leave "
          + "-Xmx and --memory-budget-mb out (./fgbg serve fits both to the limit), lower them,"
          + " or raise the limit", limitBytes >> 20, maxHeapBytes >> 20, outside >> 20,
          budget >> 20, model, (maxHeapBytes + outside) >> 20));
    }
    String lowered = budget < defaultBudgetBytes
        ? " (lowered from " + (defaultBudgetBytes >> 20) + " MiB to fit)" : "";
    return new Line(Level.INFO, String.format(Locale.ROOT, "container memory limit %d MiB: "
        + "memory budget %d MiB%s, heap %d MiB, and %d MiB kept beside the heap for transport "
        + "buffers, shared-memory rings%s and the JVM", limitBytes >> 20, budget >> 20, lowered,
        maxHeapBytes >> 20, outside >> 20, model));
  }
}
