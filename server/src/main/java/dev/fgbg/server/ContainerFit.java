package dev.fgbg.server;

import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.server.flags.DepthFlags;
import dev.fgbg.server.flags.ServeFlags;
import dev.fgbg.server.options.ServerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;

/**
 * A server fitted to its container's memory limit ({@link ContainerMemory}): the kernel kills
 * a process past it, so the heap ({@link JvmSizing}) and what lives beside it must fit
 * together. Beside the heap: the memory budget once more (the transport's direct buffers and
 * shared-memory rings, which count against the container, hold bytes the budget charges),
 * {@link #JVM_BYTES} for the JVM itself and, for each session of each depth model,
 * {@link #SESSION_BYTES} of ONNX Runtime's native memory. A budget and a depth cache left to
 * their defaults are lowered in the same proportion until all of it fits (not below
 * {@link #MIN_BUDGET_BYTES} and {@link #MIN_DEPTH_CACHE_BYTES}); when even those floors cannot
 * fit, the server refuses to start. A budget or depth cache given by flag, or an -Xmx, is kept
 * and a WARNING names those that are too large.
 */
final class ContainerFit {
  /** Metaspace, code cache, thread stacks, the collector's tables, malloc arenas. */
  static final long JVM_BYTES = 256L << 20;
  /**
   * ONNX Runtime's native memory for one session of a depth model: its arenas, weights and
   * working memory. FastDepth 224, teacher depth at batch 16: each session added 330-440 MiB of
   * RSS outside the heap (1, 2, 3 sessions: 577, 924-994, 1367 MiB with a 128 MiB budget);
   * about a third more is kept for margin.
   */
  static final long SESSION_BYTES = 448L << 20;
  /** A fitted budget is never smaller (a 224x224 sample with depth is about 0.3 MB). */
  static final long MIN_BUDGET_BYTES = 32L << 20;
  /** A fitted depth cache is never smaller (about 600 maps of 224x224). */
  static final long MIN_DEPTH_CACHE_BYTES = 64L << 20;
  /** The launcher's heap is never smaller, even where the rest leaves less. */
  static final long MIN_HEAP_BYTES = 64L << 20;

  private ContainerFit() {}

  /** The sessions of all depth models {@code o} loads (each model opens its own). */
  static int depthSessions(ServerOptions o) {
    return JvmSizing.depthModels(o) * OnnxDepthModel.sessionCount(o.depth().device(),
        o.depth().threads(), o.depth().sessions());
  }

  /** What the process holds outside the heap at full load with {@code o}. */
  static long outsideHeapBytes(ServerOptions o) {
    return outsideHeapBytes(o, o.load().memoryBudgetBytes());
  }

  private static long outsideHeapBytes(ServerOptions o, long budgetBytes) {
    return JVM_BYTES + budgetBytes + depthSessions(o) * SESSION_BYTES;
  }

  /** Heap and the rest at full load, for {@code o} in a heap sized by {@link JvmSizing}. */
  static long totalBytes(ServerOptions o) {
    return totalBytes(o, o.load().memoryBudgetBytes(), o.depth().memoryBytes());
  }

  private static long totalBytes(ServerOptions o, long budgetBytes, long depthCacheBytes) {
    return JvmSizing.heapBytes(o, budgetBytes, depthCacheBytes) + outsideHeapBytes(o,
        budgetBytes);
  }

  /** A budget and a depth cache (each model's). */
  record Sizes(long budgetBytes, long depthCacheBytes) {}

  /**
   * The options {@code flags} make in a JVM of {@code maxHeapBytes} and a container of
   * {@code limitBytes} ({@link ContainerMemory#NONE}: none): the default budget and depth cache
   * lowered to fit; an IllegalArgumentException naming the limit and the flags when even their
   * floors cannot.
   */
  static ServerOptions options(ServeFlags flags, long maxHeapBytes, long limitBytes) {
    ServerOptions o = flags.options(maxHeapBytes);
    if (limitBytes == ContainerMemory.NONE) {
      return o;
    }
    String refusal = refusal(o, limitBytes);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
    Sizes fit = fit(o, limitBytes, !flags.budgetGiven(), !flags.depthCacheGiven());
    return flags.options(maxHeapBytes, fit.budgetBytes(), fit.depthCacheBytes());
  }

  /**
   * The budget and depth cache that fit {@code limitBytes}: those {@code free} to lower (left to
   * their defaults) lowered in the same proportion, neither below its floor, one at its floor
   * leaving the other the rest; those given kept.
   */
  static Sizes fit(ServerOptions o, long limitBytes, boolean freeBudget, boolean freeCache) {
    long models = JvmSizing.depthModels(o);
    boolean cacheFree = freeCache && models > 0;
    // Heap-independent defaults, so the launcher (no heap yet) and the server agree.
    long b0 = freeBudget ? LoadOptions.DEFAULT_BUDGET_BYTES : o.load().memoryBudgetBytes();
    long c0 = cacheFree ? DepthFlags.DEFAULT_CACHE_MB << 20 : o.depth().memoryBytes();
    if (totalBytes(o, b0, c0) <= limitBytes || !freeBudget && !cacheFree) {
      return new Sizes(b0, c0);
    }
    // The budget counts 1.5 times in the heap and once beside it; each model's cache 1.5 times.
    double perBudget = 2.5;
    double perCache = 1.5 * models;
    double room = limitBytes - totalBytes(o, 0, 0) - (freeBudget ? 0 : perBudget * b0)
        - (cacheFree ? 0 : perCache * c0);
    double free = (freeBudget ? perBudget * b0 : 0) + (cacheFree ? perCache * c0 : 0);
    double share = Math.max(0, room / free);
    long b = freeBudget ? atLeast(MIN_BUDGET_BYTES, b0 * share, b0) : b0;
    long c = cacheFree ? atLeast(MIN_DEPTH_CACHE_BYTES, c0 * share, c0) : c0;
    if (freeBudget && cacheFree && b == MIN_BUDGET_BYTES) {
      c = atLeast(MIN_DEPTH_CACHE_BYTES, (room - perBudget * b) / perCache, c0);
    } else if (freeBudget && cacheFree && c == MIN_DEPTH_CACHE_BYTES) {
      b = atLeast(MIN_BUDGET_BYTES, (room - perCache * c) / perBudget, b0);
    }
    return new Sizes(b, c);
  }

  /** {@code bytes} rounded down to whole MiB, between {@code floor} and {@code most}. */
  private static long atLeast(long floor, double bytes, long most) {
    return Math.min(most, Math.max(floor, (long) bytes >> 20 << 20));
  }

  /**
   * The heap ./fgbg serve gives a server with {@code o} in a container of {@code limitBytes}:
   * the sizing's ({@link JvmSizing}), at most what fits beside the rest (never past the limit:
   * sizes given too large run out of heap, which names itself, before the kernel kills).
   */
  static long heapBytes(ServerOptions o, long limitBytes) {
    long sized = JvmSizing.heapBytes(o);
    if (limitBytes == ContainerMemory.NONE) {
      return sized;
    }
    return Math.min(sized, Math.max(MIN_HEAP_BYTES, limitBytes - outsideHeapBytes(o)));
  }

  /**
   * The reason a server with a depth model, {@code o}, cannot run in {@code limitBytes} even with
   * its budget and depth cache at their floors, or null when it can (or has no model). The one
   * rule, for the launcher and the server alike: the heap counted is the sizing's at the floors
   * whatever heap this JVM has, so the limit it names is the one at which the server starts.
   */
  static String refusal(ServerOptions o, long limitBytes) {
    if (!JvmSizing.usesDepthModel(o)) {
      return null; // the heap's estimate is generous: without ONNX Runtime beside it, a WARNING
    }
    long b = Math.min(MIN_BUDGET_BYTES, o.load().memoryBudgetBytes());
    long c = Math.min(MIN_DEPTH_CACHE_BYTES, o.depth().memoryBytes());
    long heap = JvmSizing.heapBytes(o, b, c);
    long need = heap + outsideHeapBytes(o, b);
    if (need <= limitBytes) {
      return null;
    }
    long needMib = (need + (1L << 20) - 1) >> 20;
    int sessions = depthSessions(o);
    return String.format(Locale.ROOT, "the container's memory limit is %d MiB, too little for "
        + "this server: even with --memory-budget-mb %d and --depth-cache-mb %d it needs about "
        + "%d MiB (a heap of %d MiB; beside it the budget once more, the JVM's %d MiB and ONNX "
        + "Runtime's %d MiB for each of %d depth session%s); raise the limit to %d MiB or more%s",
        limitBytes >> 20, b >> 20, c >> 20, needMib, heap >> 20, JVM_BYTES >> 20,
        SESSION_BYTES >> 20, sessions, sessions == 1 ? "" : "s", needMib,
        sessions > 1 ? ", or lower --depth-sessions" : "");
  }

  /** One start-up line about the container: INFO when it fits, WARNING when it cannot. */
  record Line(Level level, String message) {}

  /**
   * The line for a server started with {@code flags}, making {@code o}, in a heap of
   * {@code maxHeapBytes} and a container of {@code limitBytes}, or null without a limit.
   */
  static Line line(ServeFlags flags, ServerOptions o, long maxHeapBytes, long limitBytes) {
    if (limitBytes == ContainerMemory.NONE) {
      return null;
    }
    long budget = o.load().memoryBudgetBytes();
    long cache = o.depth().memoryBytes();
    long outside = outsideHeapBytes(o);
    boolean model = JvmSizing.usesDepthModel(o);
    int sessions = depthSessions(o);
    String beside = model ? String.format(Locale.ROOT, ", ONNX Runtime's %d depth session%s",
        sessions, sessions == 1 ? "" : "s") : "";
    long sized = JvmSizing.heapBytes(o);
    if (Math.max(maxHeapBytes, sized) + outside > limitBytes) {
      // A heap under the sizing's (the launcher's, capped to the limit): it runs out first.
      String heap = maxHeapBytes >= sized ? "the heap (" + (maxHeapBytes >> 20) + " MiB)"
          : "the heap these settings take (" + (sized >> 20) + " MiB; the JVM's is "
              + (maxHeapBytes >> 20) + " MiB)";
      return new Line(Level.WARNING, String.format(Locale.ROOT, "the container's memory limit "
          + "is %d MiB, but %s and what the server holds beside it (%d MiB: the memory budget "
          + "of %d MiB once more for transport buffers and shared-memory rings%s, the JVM "
          + "itself) come to %d MiB: under load %s; %s", limitBytes >> 20, heap, outside >> 20,
          budget >> 20, beside, (Math.max(maxHeapBytes, sized) + outside) >> 20,
          maxHeapBytes >= sized ? "the kernel may kill the server"
              : "the server may run out of memory and exit",
          TooLarge.advice(flags, o, maxHeapBytes, limitBytes)));
    }
    String lowered = flags.budgetGiven() || budget >= LoadOptions.defaultBudgetBytes(
        maxHeapBytes) ? "" : " (lowered from " + (LoadOptions.DEFAULT_BUDGET_BYTES >> 20)
        + " MiB to fit)";
    String depth = !model ? "" : String.format(Locale.ROOT, ", depth cache %d MiB%s",
        cache >> 20, flags.depthCacheGiven() || cache >= DepthFlags.DEFAULT_CACHE_MB << 20 ? ""
            : " (lowered from " + DepthFlags.DEFAULT_CACHE_MB + " MiB to fit)");
    return new Line(Level.INFO, String.format(Locale.ROOT, "container memory limit %d MiB: "
        + "heap %d MiB, memory budget %d MiB%s%s, and %d MiB kept beside the heap for transport "
        + "buffers, shared-memory rings%s and the JVM", limitBytes >> 20, maxHeapBytes >> 20,
        budget >> 20, lowered, depth, outside >> 20, beside));
  }

  /** Which of the sizes the user set are too large for the container, in words. */
  private static final class TooLarge {
    static String advice(ServeFlags flags, ServerOptions o, long maxHeapBytes, long limit) {
      Sizes fits = fit(o, limit, true, true);
      long least = totalBytes(o, fits.budgetBytes(), fits.depthCacheBytes());
      if (least > limit) {
        return noHeapFits(o, fits, least, limit);
      }
      List<String> named = new ArrayList<>();
      long budget = o.load().memoryBudgetBytes();
      boolean budgetNamed = flags.budgetGiven() && budget > fits.budgetBytes();
      if (budgetNamed) {
        named.add(String.format(Locale.ROOT, "--memory-budget-mb (%d given; %d fits)",
            budget >> 20, fits.budgetBytes() >> 20));
      }
      long cache = o.depth().memoryBytes();
      boolean cacheNamed = flags.depthCacheGiven() && JvmSizing.usesDepthModel(o)
          && cache > fits.depthCacheBytes();
      if (cacheNamed) {
        named.add(String.format(Locale.ROOT, "--depth-cache-mb (%d given; %d fits)",
            cache >> 20, fits.depthCacheBytes() >> 20));
      }
      // The heap once those named are lowered: what -Xmx should be, whoever starts the JVM.
      long sized = JvmSizing.heapBytes(o, budgetNamed ? fits.budgetBytes() : budget,
          cacheNamed ? fits.depthCacheBytes() : cache);
      String xmx = String.format(Locale.ROOT, "give -Xmx%dm, the heap %s need (./fgbg serve "
          + "sizes the heap itself)", sized >> 20, named.isEmpty() ? "these settings" : "those");
      if (named.isEmpty()) {
        return xmx + ", or raise the limit";
      }
      String them = named.size() == 1 ? "it" : "them";
      // Past what ./fgbg serve gives (a JVM may round its -Xmx up a little): by hand.
      long given = JvmSizing.heapBytes(o);
      return "lower " + String.join(" and ", named) + ", or leave " + them + " out (./fgbg serve"
          + " fits " + them + " to the limit)" + (maxHeapBytes > given + given / 10 ? ", and "
          + xmx : "") + ", or raise the limit";
    }

    /**
     * Where even the smallest budget and depth cache leave no heap within the limit that holds
     * the rest (the datasets' images): the limit that would, and the sizes that fit this one.
     */
    private static String noHeapFits(ServerOptions o, Sizes fits, long least, long limit) {
      long images = JvmSizing.heapBytes(o, 0, 0) - JvmSizing.FIXED_BYTES;
      StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "no -Xmx within the limit "
          + "can hold these settings (the datasets' images alone take %d MiB of the heap): "
          + "raise the limit to %d MiB or more", images >> 20, (least + (1L << 20) - 1) >> 20));
      // The budget counts 1.5 times in the heap and once beside it; each cache 1.5 times.
      long budget = (long) ((limit - totalBytes(o, 0, fits.depthCacheBytes())) / 2.5) >> 20;
      if (budget >= 1) {
        s.append(", or give --memory-budget-mb ").append(budget);
      }
      long models = JvmSizing.depthModels(o);
      long cache = models == 0 ? 0 : (long) ((limit - totalBytes(o, fits.budgetBytes(), 0))
          / (1.5 * models)) >> 20;
      if (cache >= 1) {
        s.append(", or give --depth-cache-mb ").append(cache);
      }
      return s.toString();
    }
  }
}
