package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.options.ServerOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With a depth model in a container, ./fgbg serve's heap (JvmSizing, the launcher's sizing) and
 * the server fit the model's depth cache and its ONNX Runtime sessions to the limit too.
 */
class ContainerFitTest {
  /** Four workers: the default two sessions on CPU, whatever this machine's cores. */
  private static final String[] MODEL = {"--workers", "4", "--depth-model",
      "models/fastdepth_nyu_224", "--depth-weights", "fastdepth_nyu_224.onnx"};

  private static String[] model(String... more) {
    return Stream.concat(Arrays.stream(MODEL), Arrays.stream(more)).toArray(String[]::new);
  }

  /** The -Xmx the launcher gives for {@code args} in a container of {@code limit}. */
  private static String launcher(long limit, String... args) {
    return JvmSizing.flags(Main.options(Long.MAX_VALUE, limit, args)).get(0);
  }

  /** {@code bytes} in MiB, rounded up. */
  private static long mibUp(long bytes) {
    return (bytes + (1L << 20) - 1) >> 20;
  }

  @Test
  void eachDepthSessionIsCountedBesideTheHeap() {
    long one = ContainerFit.outsideHeapBytes(Main.options(Long.MAX_VALUE,
        model("--depth-sessions", "1")));
    long three = ContainerFit.outsideHeapBytes(Main.options(Long.MAX_VALUE,
        model("--depth-sessions", "3")));
    assertEquals(2 * ContainerFit.SESSION_BYTES, three - one);
    long auto = ContainerFit.outsideHeapBytes(Main.options(Long.MAX_VALUE, MODEL));
    assertEquals(ContainerFit.JVM_BYTES + (512L << 20) + 2 * ContainerFit.SESSION_BYTES, auto,
        "the CPU default: two sessions");
    assertEquals(ContainerFit.JVM_BYTES + (512L << 20) + ContainerFit.SESSION_BYTES,
        ContainerFit.outsideHeapBytes(Main.options(Long.MAX_VALUE, model("--device", "cuda"))),
        "CUDA's default: one");
  }

  @Test
  void theDefaultDepthCacheIsLoweredWithTheBudgetSoTheModelFitsTheContainer() {
    for (long limit : new long[] {2L << 30, 3L << 30}) {
      ServerOptions o = Main.options(Long.MAX_VALUE, limit, MODEL);
      long cache = o.depth().memoryBytes();
      long budget = o.load().memoryBudgetBytes();
      assertTrue(cache < 1024L << 20 && cache >= ContainerFit.MIN_DEPTH_CACHE_BYTES, "" + cache);
      assertTrue(budget < 512L << 20 && budget >= ContainerFit.MIN_BUDGET_BYTES, "" + budget);
      long total = ContainerFit.totalBytes(o);
      assertTrue(total <= limit && total > limit - (32L << 20), (total >> 20) + " MiB");
      long heap = JvmSizing.heapBytes(o);
      assertEquals("-Xmx" + (heap >> 20) + "m", launcher(limit, MODEL));
      // The server, in the heap the launcher gave it, lands on the same sizes and says so.
      ServerOptions served = Main.options(heap, limit, MODEL);
      assertEquals(cache, served.depth().memoryBytes());
      assertEquals(budget, served.load().memoryBudgetBytes());
      ContainerFit.Line line = ContainerFit.line(Main.flags(MODEL), served, heap, limit);
      assertEquals(Level.INFO, line.level());
      assertEquals("container memory limit " + (limit >> 20) + " MiB: heap " + (heap >> 20)
          + " MiB, memory budget " + (budget >> 20) + " MiB (lowered from 512 MiB to fit), "
          + "depth cache " + (cache >> 20) + " MiB (lowered from 1024 MiB to fit), and "
          + (ContainerFit.outsideHeapBytes(o) >> 20) + " MiB kept beside the heap for transport"
          + " buffers, shared-memory rings, ONNX Runtime's 2 depth sessions and the JVM",
          line.message());
    }
    // Room for the defaults: nothing lowered.
    ServerOptions roomy = Main.options(Long.MAX_VALUE, 16L << 30, MODEL);
    assertEquals(1024L << 20, roomy.depth().memoryBytes());
    assertEquals(512L << 20, roomy.load().memoryBudgetBytes());
  }

  @Test
  void whenEvenTheFloorsCannotFitTheServerRefusesNamingTheLimitAndTheFlags() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Main.options(Long.MAX_VALUE, 1L << 30, MODEL));
    ServerOptions floors = Main.options(Long.MAX_VALUE, model("--memory-budget-mb", "32",
        "--depth-cache-mb", "64"));
    long need = ContainerFit.totalBytes(floors);
    assertEquals("the container's memory limit is 1024 MiB, too little for this server: even "
        + "with --memory-budget-mb 32 and --depth-cache-mb 64 it needs about " + mibUp(need)
        + " MiB (a heap of " + (JvmSizing.heapBytes(floors) >> 20) + " MiB; beside it the "
        + "budget once more, the JVM's 256 MiB and ONNX Runtime's "
        + (ContainerFit.SESSION_BYTES >> 20) + " MiB for each of 2 depth sessions); raise the "
        + "limit to " + mibUp(need) + " MiB or more, or lower --depth-sessions", e.getMessage());
    // One session: nothing left to lower but the limit.
    String one = assertThrows(IllegalArgumentException.class, () -> Main.options(Long.MAX_VALUE,
        1L << 30, model("--depth-sessions", "1"))).getMessage();
    assertTrue(one.endsWith("for each of 1 depth session); raise the limit to "
        + mibUp(ContainerFit.totalBytes(Main.options(Long.MAX_VALUE, model("--depth-sessions",
            "1", "--memory-budget-mb", "32", "--depth-cache-mb", "64")))) + " MiB or more"),
        one);
    assertTrue(ContainerFit.totalBytes(Main.options(Long.MAX_VALUE, 2L << 30,
        model("--depth-sessions", "1"))) <= 2L << 30, "2 GiB fits one session");
    // Without a model: no refusal (the heap's estimate is generous), the WARNING says it.
    ServerOptions plain = Main.options(Long.MAX_VALUE, 256L << 20);
    assertEquals(Level.WARNING, ContainerFit.line(Main.flags(), plain, 1L << 30, 256L << 20)
        .level());
  }

  /** The server's start-up in a JVM of {@code heap}: its refusal, or null, and its lines. */
  private static String startUp(long heap, long limit, List<LogRecord> said, String... args) {
    Logger log = Logger.getAnonymousLogger();
    log.setUseParentHandlers(false);
    log.addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        said.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    try {
      Main.startUp(Main.flags(args), heap, limit, log);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  @Test
  void oneRuleRefusesBelowTheLimitItNamesAndStartsAtItWithAHeapThatFits() {
    for (String sessions : new String[] {"1", "2"}) {
      String[] args = model("--depth-sessions", sessions);
      // The limit named is the same whatever the JVM's heap: a default quarter, the sizing's.
      String refused = startUp(256L << 20, 1L << 30, new ArrayList<>(), args);
      assertTrue(refused != null && refused.contains("; raise the limit to "), refused);
      long n = Long.parseLong(refused.replaceAll(".*raise the limit to (\\d+) MiB.*", "$1"));
      assertTrue(refused.contains("it needs about " + n + " MiB"), refused);
      for (long limit : new long[] {1024, 1432, 1600, 1890, n - 1, n, n + 1, 3072}) {
        long bytes = limit << 20;
        String xmx = JvmSizing.line(bytes, args);
        List<LogRecord> said = new ArrayList<>();
        if (limit < n) {
          assertNull(xmx, limit + " MiB: the launcher gives no heap, the server refuses");
          for (long heap : new long[] {bytes / 4, bytes, Long.MAX_VALUE}) {
            assertEquals(refused.replace("is 1024 MiB", "is " + limit + " MiB"),
                startUp(heap, bytes, said, args), limit + " MiB, heap " + heap);
          }
          continue;
        }
        assertTrue(xmx != null && xmx.matches("-Xmx\\d+m"), limit + " MiB: " + xmx);
        long heap = Long.parseLong(xmx.replaceAll("\\D", "")) << 20;
        assertNull(startUp(heap, bytes, said, args), limit + " MiB");
        assertTrue(heap + ContainerFit.outsideHeapBytes(Main.options(heap, bytes, args))
            <= bytes, limit + " MiB: " + xmx);
        List<String> lines = said.stream().filter(r -> r.getLevel() == Level.WARNING)
            .map(LogRecord::getMessage).filter(m -> m.contains("heap")).toList();
        assertEquals(List.of(), lines, limit + " MiB, " + sessions + " session(s), " + xmx);
        assertTrue(said.stream().anyMatch(r -> r.getLevel() == Level.INFO
            && r.getMessage().startsWith("container memory limit " + limit + " MiB: heap "
                + (heap >> 20) + " MiB")), limit + " MiB");
      }
    }
  }

  @Test
  void aDepthCacheGivenTooLargeGetsAHeapWithinTheLimitAndOneWarningNamingOnlyIt() {
    long limit = 3L << 30;
    String[] args = model("--depth-cache-mb", "4096");
    String xmx = JvmSizing.line(limit, args);
    long heap = Long.parseLong(xmx.replaceAll("\\D", "")) << 20;
    assertTrue(heap <= limit, "the launcher's heap within the limit: " + xmx);
    long fits = Main.options(Long.MAX_VALUE, limit, MODEL).depth().memoryBytes() >> 20;
    String advice = "lower --depth-cache-mb (4096 given; " + fits + " fits), or leave it out "
        + "(./fgbg serve fits it to the limit), or raise the limit";
    List<LogRecord> said = new ArrayList<>();
    assertNull(startUp(heap, limit, said, args));
    List<String> warnings = said.stream().filter(r -> r.getLevel() == Level.WARNING)
        .map(LogRecord::getMessage).toList();
    assertEquals(1, warnings.size(), "" + warnings);
    assertTrue(warnings.get(0).endsWith(advice), warnings.get(0));
    // A JVM rounds an -Xmx up to its regions: a heap a little past the sizing's is not by hand.
    long sized = JvmSizing.heapBytes(Main.options(Long.MAX_VALUE, limit, args));
    ServerOptions o = Main.options(sized + (4L << 20), limit, args);
    String rounded = ContainerFit.line(Main.flags(args), o, sized + (4L << 20), limit)
        .message();
    assertTrue(rounded.endsWith(advice), rounded);
  }

  @Test
  void aGivenDepthCacheIsKeptAndTheWarningNamesOnlyTheFlagsGivenTooLarge() {
    long limit = 3L << 30;
    String[] args = model("--depth-cache-mb", "4096");
    ServerOptions o = Main.options(Long.MAX_VALUE, limit, args);
    assertEquals(4096L << 20, o.depth().memoryBytes(), "a given cache is kept");
    assertEquals(ContainerFit.MIN_BUDGET_BYTES, o.load().memoryBudgetBytes(),
        "the default budget gives way");
    long heap = JvmSizing.heapBytes(o);
    long fits = Main.options(Long.MAX_VALUE, limit, MODEL).depth().memoryBytes() >> 20;
    ContainerFit.Line line = ContainerFit.line(Main.flags(args), o, heap, limit);
    assertEquals(Level.WARNING, line.level());
    assertTrue(line.message().startsWith("the container's memory limit is 3072 MiB, but the "
        + "heap (" + (heap >> 20) + " MiB) and what the server holds beside it ("
        + (ContainerFit.outsideHeapBytes(o) >> 20) + " MiB: the memory budget of 32 MiB once "
        + "more for transport buffers and shared-memory rings, ONNX Runtime's 2 depth "
        + "sessions, the JVM itself)"), line.message());
    assertEquals("under load the kernel may kill the server; lower --depth-cache-mb (4096 "
        + "given; " + fits + " fits), or leave it out (./fgbg serve fits it to the limit), or "
        + "raise the limit", line.message().substring(line.message().indexOf("under load")));
    // Both sizes given too large: both named, and no -Xmx (the launcher sized the heap).
    String[] both = model("--depth-cache-mb", "4096", "--memory-budget-mb", "900");
    ServerOptions big = Main.options(Long.MAX_VALUE, limit, both);
    String said = ContainerFit.line(Main.flags(both), big, JvmSizing.heapBytes(big), limit)
        .message();
    assertTrue(said.endsWith("lower --memory-budget-mb (900 given; "
        + (Main.options(Long.MAX_VALUE, limit, MODEL).load().memoryBudgetBytes() >> 20)
        + " fits) and --depth-cache-mb (4096 given; " + fits + " fits), or leave them out "
        + "(./fgbg serve fits them to the limit), or raise the limit"), said);
    // A given cache that fits: kept, the budget fitted around it, no warning.
    String[] small = model("--depth-cache-mb", "128");
    ServerOptions fitted = Main.options(Long.MAX_VALUE, limit, small);
    assertEquals(128L << 20, fitted.depth().memoryBytes());
    assertTrue(ContainerFit.totalBytes(fitted) <= limit);
    ContainerFit.Line ok = ContainerFit.line(Main.flags(small), fitted,
        JvmSizing.heapBytes(fitted), limit);
    assertEquals(Level.INFO, ok.level());
    assertTrue(ok.message().contains(", depth cache 128 MiB, and "), ok.message());
    // An -Xmx by hand past what fits: only -Xmx is named.
    ServerOptions sized = Main.options(Long.MAX_VALUE, limit, MODEL);
    String xmx = ContainerFit.line(Main.flags(MODEL), sized, 2900L << 20, limit).message();
    assertTrue(xmx.endsWith("; give -Xmx" + (JvmSizing.heapBytes(sized) >> 20) + "m, the heap "
        + "these settings need (./fgbg serve sizes the heap itself), or raise the limit"), xmx);
  }

  /** The start-up lines' warnings in a JVM of {@code heap} and a container of {@code limit}. */
  private static List<String> warnings(long heap, long limit, String... args) {
    List<LogRecord> said = new ArrayList<>();
    assertNull(startUp(heap, limit, said, args));
    return said.stream().filter(r -> r.getLevel() == Level.WARNING)
        .map(LogRecord::getMessage).toList();
  }

  @Test
  void aPlainJavaHeapIsToldTheHeapToGiveNotToLeaveItOut() {
    // java -Xmx512m -jar in 1 GiB, as a pod runs it: the budget fitted, the heap too small.
    List<String> said = warnings(512L << 20, 1L << 30);
    assertEquals(1, said.size(), "" + said);
    long need = JvmSizing.heapBytes(Main.options(512L << 20, 1L << 30));
    assertTrue(said.get(0).endsWith("under load it may run out of memory and exit: give -Xmx"
        + (need >> 20) + "m (./fgbg serve sizes the heap itself), or lower --memory-budget-mb"),
        said.get(0));
    assertTrue(ContainerFit.totalBytes(Main.options(need, 1L << 30)) <= 1L << 30, "it fits");
  }

  @Test
  void whereNoHeapWithinTheLimitHoldsTheSettingsTheLimitThatWouldIsNamed() {
    // 400 MiB: the built-in datasets' images alone are most of it; the floors do not fit.
    for (long heap : new long[] {100L << 20, 512L << 20}) {
      List<String> said = warnings(heap, 400L << 20);
      assertEquals(1, said.size(), "" + said);
      ServerOptions o = Main.options(Long.MAX_VALUE, 400L << 20);
      long images = JvmSizing.heapBytes(o, 0, 0) - JvmSizing.FIXED_BYTES;
      assertTrue(said.get(0).endsWith("under load the server may run out of memory and exit; "
          + "no -Xmx within the limit can hold these settings (the datasets' images alone take "
          + (images >> 20) + " MiB of the heap): raise the limit to "
          + mibUp(ContainerFit.totalBytes(o)) + " MiB or more"), said.get(0));
      assertTrue(ContainerFit.totalBytes(Main.options(Long.MAX_VALUE,
          mibUp(ContainerFit.totalBytes(o)) << 20)) <= mibUp(ContainerFit.totalBytes(o)) << 20,
          "it fits there");
    }
    // A larger budget given in 1 GiB: a smaller one that fits is named.
    List<String> big = warnings(4L << 30, 1L << 30, "--memory-budget-mb", "900");
    assertTrue(big.get(0).contains("lower --memory-budget-mb (900 given; "), big.get(0));
  }
}
