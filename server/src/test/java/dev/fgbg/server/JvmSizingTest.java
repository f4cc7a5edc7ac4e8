package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.server.options.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heap ./fgbg serve gives a server follows what the server holds, not the machine. */
class JvmSizingTest {
  private static long heap(String... args) {
    return JvmSizing.heapBytes(Main.options(Long.MAX_VALUE, args));
  }

  @Test
  void theHeapGrowsWithTheBudgetAndADepthModelsCacheOnly() {
    long defaults = heap();
    assertTrue(defaults < 1536L << 20, "default flags: " + (defaults >> 20) + " MiB");
    assertEquals(defaults + (3L << 30) / 2, heap("--memory-budget-mb", "1536"),
        "1 GiB more budget: 1.5 GiB more heap");
    assertEquals(defaults, heap("--depth-cache-mb", "4096"), "no model: its cache stays empty");
    assertEquals(JvmSizing.flags(Main.options(Long.MAX_VALUE)).get(0),
        "-Xmx" + (defaults >> 20) + "m");
  }

  @Test
  void aHeapWellBelowWhatTheSettingsTakeIsSaidWithTheFlagsToChange() {
    ServerOptions o = Main.options(1L << 30, "--memory-budget-mb", "900");
    String said = JvmSizing.shortfall(o, 1L << 30);
    assertTrue(said != null && said.startsWith("the JVM's heap is 1024 MiB, but this server's "
        + "settings take about " + (JvmSizing.heapBytes(o) >> 20) + " MiB at full load (memory "
        + "budget 900 MiB, half as much again"), said);
    assertTrue(said.endsWith(": give -Xmx" + (JvmSizing.heapBytes(o) >> 20) + "m (./fgbg "
        + "serve sizes the heap itself), or lower --memory-budget-mb"), said);
    assertNull(JvmSizing.shortfall(o, JvmSizing.heapBytes(o)), "./fgbg serve's own heap");
    assertNull(JvmSizing.shortfall(Main.options(Long.MAX_VALUE), 4L << 30));
  }

  @Test
  void badFlagsPrintNothingForTheServerToNameThem() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream was = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      JvmSizing.main(new String[] {"--max-streams", "0"});
    } finally {
      System.setOut(was);
    }
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void inAOneGibContainerTheDefaultBudgetIsLoweredSoHeapAndTheRestFit() {
    long limit = 1L << 30;
    ServerOptions o = Main.options(Long.MAX_VALUE, limit);
    long budget = o.load().memoryBudgetBytes();
    assertTrue(budget < 512L << 20 && budget >= ContainerFit.MIN_BUDGET_BYTES, "" + budget);
    assertTrue(ContainerFit.totalBytes(o) <= limit, (ContainerFit.totalBytes(o) >> 20) + " MiB");
    long heap = JvmSizing.heapBytes(o);
    assertEquals("-Xmx" + (heap >> 20) + "m", JvmSizing.flags(o).get(0));
    assertTrue(heap < 1330L << 20, "not the machine's -Xmx1330m: " + (heap >> 20));
    ContainerFit.Line line = ContainerFit.line(Main.flags(), o, heap, limit);
    assertEquals(Level.INFO, line.level());
    assertEquals("container memory limit 1024 MiB: heap " + (heap >> 20) + " MiB, memory "
        + "budget " + (budget >> 20) + " MiB (lowered from 512 MiB to fit), and "
        + (ContainerFit.outsideHeapBytes(o) >> 20) + " MiB kept beside the heap for transport "
        + "buffers, shared-memory rings and the JVM", line.message());
    // A depth model's native memory is kept too, so its budget is lowered further.
    ServerOptions model = Main.options(Long.MAX_VALUE, 3L << 30, "--depth-model",
        "models/fastdepth_nyu_224", "--depth-cache-mb", "256");
    assertTrue(ContainerFit.totalBytes(model) <= 3L << 30);
  }

  @Test
  void aLargeOrNoLimitChangesNothingAndAGivenBudgetThatCannotFitIsAWarning() {
    long defaults = heap();
    assertEquals(defaults, JvmSizing.heapBytes(Main.options(Long.MAX_VALUE, 16L << 30)));
    assertEquals(defaults, JvmSizing.heapBytes(Main.options(Long.MAX_VALUE,
        ContainerMemory.NONE)));
    assertNull(ContainerFit.line(Main.flags(), Main.options(Long.MAX_VALUE), defaults,
        ContainerMemory.NONE));
    ServerOptions given = Main.options(Long.MAX_VALUE, 1L << 30, "--memory-budget-mb", "900");
    assertEquals(900L << 20, given.load().memoryBudgetBytes(), "a given budget is kept");
    ContainerFit.Line line = ContainerFit.line(Main.flags("--memory-budget-mb", "900"), given,
        JvmSizing.heapBytes(given), 1L << 30);
    assertEquals(Level.WARNING, line.level());
    ServerOptions fits = Main.options(Long.MAX_VALUE, 1L << 30);
    assertTrue(line.message().startsWith("the container's memory limit is 1024 MiB, but the "
        + "heap (") && line.message().endsWith("under load the kernel may kill the server; "
        + "lower --memory-budget-mb (900 given; " + (fits.load().memoryBudgetBytes() >> 20)
        + " fits), or leave it out (./fgbg serve fits it to the limit), or raise the limit"),
        line.message());
    // An -Xmx given by hand that leaves too little beside it: the warning names -Xmx.
    assertTrue(ContainerFit.line(Main.flags(), fits, 1000L << 20, 1L << 30).message()
        .endsWith("; give -Xmx" + (JvmSizing.heapBytes(fits) >> 20) + "m, the heap these "
        + "settings need (./fgbg serve sizes the heap itself), or raise the limit"));
  }

  @Test
  void flagsInAnAtFileSizeTheHeapAsOnTheCommandLine(@TempDir Path dir) throws Exception {
    Path args = Files.writeString(dir.resolve("args.txt"), "# serve flags\n"
        + "--memory-budget-mb=300\n--builtin-size 16\n");
    assertEquals(heap("--memory-budget-mb", "300", "--builtin-size", "16"), heap("@" + args));
  }

  @Test
  void theLimitIsReadFromCgroupV2ThenV1AndMaxOrHugeIsNone(@TempDir Path cg) throws Exception {
    assertEquals(ContainerMemory.NONE, ContainerMemory.limitBytes(cg, ""), "no cgroup files");
    Files.createDirectories(cg.resolve("memory"));
    Files.writeString(cg.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
    assertEquals(ContainerMemory.NONE, ContainerMemory.limitBytes(cg, ""), "v1 unlimited");
    Files.writeString(cg.resolve("memory/memory.limit_in_bytes"), "1073741824\n");
    assertEquals(1L << 30, ContainerMemory.limitBytes(cg, ""), "v1");
    Files.writeString(cg.resolve("memory.max"), "max\n");
    assertEquals(1L << 30, ContainerMemory.limitBytes(cg, ""), "v2 max: v1's limit still read");
    Files.delete(cg.resolve("memory/memory.limit_in_bytes"));
    assertEquals(ContainerMemory.NONE, ContainerMemory.limitBytes(cg, ""), "v2 max");
    Files.writeString(cg.resolve("memory.max"), "536870912\n");
    assertEquals(512L << 20, ContainerMemory.limitBytes(cg, ""), "v2");
    // Without a cgroup namespace the process's own cgroup is below the root: the smallest
    // limit on the way up counts.
    Files.createDirectories(cg.resolve("memory/pod/c1"));
    Files.delete(cg.resolve("memory.max"));
    Files.writeString(cg.resolve("memory/pod/memory.limit_in_bytes"), "2147483648\n");
    Files.writeString(cg.resolve("memory/pod/c1/memory.limit_in_bytes"), "9223372036854771712");
    assertEquals(2L << 30, ContainerMemory.limitBytes(cg, "4:memory:/pod/c1\n0::/\n"));
    Files.createDirectories(cg.resolve("kubepods/p"));
    Files.writeString(cg.resolve("kubepods/p/memory.max"), "1073741824\n");
    assertEquals(1L << 30, ContainerMemory.limitBytes(cg, "0::/kubepods/p\n"), "v2 below");
  }

  /** DepthRuntimes loads one model written two ways once: the sizing counts it once too. */
  @Test
  void oneModelWrittenTwoWaysIsSizedOnce(@TempDir Path root) throws Exception {
    Fixtures.goodFolders(root);
    Path model = root.resolve("models/own");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path cfg = root.resolve("datasets.json");
    Files.writeString(cfg, """
        {"datasets": [
          {"name": "a", "bg": "%1$s", "fg": "%2$s", "size": "32", "depthModel": "%3$s"},
          {"name": "b", "bg": "%1$s", "fg": "%2$s", "size": "32", "depthModel": "%4$s"}
        ]}""".formatted(root.resolve("bg"), root.resolve("fg"), model,
        root.resolve("models/../models/own")));
    ServerOptions o = Main.options(Long.MAX_VALUE, "--config", cfg.toString(), "--device",
        "cpu");
    assertEquals(2, o.datasets().stream().map(d -> d.getDepthModel()).distinct().count());
    assertEquals(1, JvmSizing.depthModels(o));
  }
}
