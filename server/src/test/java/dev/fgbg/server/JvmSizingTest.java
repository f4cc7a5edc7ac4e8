package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.grpc.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
    assertTrue(said.endsWith("or lower --memory-budget-mb"), said);
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
}
