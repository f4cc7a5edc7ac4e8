package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.client.ServerProcess;
import dev.fgbg.core.LogLines;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code fgbg stream --reconnect}: a stream whose server is killed mid-way and started again on
 * the same port ends with the unbroken stream's digest; without it, the error it always gave;
 * a bad value is refused naming the flag.
 */
class StreamReconnectTest {
  // 1600 samples of 64x64 on one render thread: the stream is mid-way when its server dies.
  private static final List<String> DATA = List.of("--builtin-size", "64", "--builtin-counts",
      "10:20", "--builtin-placements", "4", "--workers", "1");

  private static String[] run(ByteArrayOutputStream e, String... args) {
    return CliRun.run(e, args);
  }

  /**
   * Once the stream's first progress line is on {@code err}: kills {@code server} and, 2.5 s
   * later, starts it again on its port.
   */
  private static CompletableFuture<ServerProcess> restartMidStream(ServerProcess server,
      ByteArrayOutputStream err) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!err.toString(StandardCharsets.UTF_8).matches("(?s).*progress: [1-9].*")
            && System.nanoTime() < end) {
          Thread.sleep(10);
        }
        server.kill();
        Thread.sleep(2500);
        return new ServerProcess(DATA, server.port());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static String[] stream(String target, String... more) {
    return run(new ByteArrayOutputStream(), concat(target, more));
  }

  private static String[] concat(String target, String... more) {
    List<String> args = new ArrayList<>(List.of("stream", "--target", target,
        "--batch-size", "8", "--seed", "3", "--shuffle"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void withReconnectAKilledAndRestartedServerGivesTheUnbrokenDigest() throws Exception {
    CompletableFuture<ServerProcess> later = null;
    try (ServerProcess server = new ServerProcess(DATA)) {
      String[] unbroken = stream(server.target());
      assertEquals("0", unbroken[0], unbroken[2]);
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      later = restartMidStream(server, err);
      String[] r;
      try (LogLines log = LogLines.capture("dev.fgbg.client")) {
        r = run(err, concat(server.target(), "--reconnect", "30s"));
        // On stderr as "fgbg: warning: ..." (FgbgCli's one-line format).
        assertEquals(List.of("WARNING the fgbg server at " + server.target() + " is not "
            + "answering; trying again for up to 30 s (reconnect window)"), log.lines().stream()
            .filter(l -> l.startsWith("WARNING")).toList());
        // ... and, once it answers, says so (as "fgbg: info: ...").
        assertTrue(log.lines().stream().anyMatch(l -> l.matches("INFO the fgbg server at "
            + server.target() + " answered again after [0-9.]+ s")), log.lines().toString());
      }
      assertEquals("0", r[0], r[2]);
      assertEquals(unbroken[1].lines().toList().get(0), r[1].lines().toList().get(0));
      assertEquals(unbroken[1].lines().toList().get(2), r[1].lines().toList().get(2),
          "the unbroken stream's digest");
    } finally {
      if (later != null) {
        later.get(60, TimeUnit.SECONDS).close();
      }
    }
  }

  @Test
  void withoutReconnectTheStreamEndsWithTheErrorItAlwaysGave() throws Exception {
    CompletableFuture<ServerProcess> later = null;
    try (ServerProcess server = new ServerProcess(DATA)) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      later = restartMidStream(server, err);
      String[] r = run(err, concat(server.target()));
      assertEquals("1", r[0], r[2]);
      String last = r[2].trim().lines().reduce((a, b) -> b).orElse("");
      assertTrue(last.startsWith("fgbg: error: UNAVAILABLE: ") && last.contains("went away")
          && last.contains("to go on from there: run the same stream with --start-batch "),
          last);
      assertTrue(!r[2].contains("not answering") && !last.contains("gave up"), r[2]);
    } finally {
      if (later != null) {
        later.get(60, TimeUnit.SECONDS).close();
      }
    }
  }

  @Test
  void aBadReconnectIsRefusedNamingTheFlag() {
    String[] words = stream("127.0.0.1:1", "--reconnect", "soon");
    assertEquals("2", words[0], words[2]);
    assertTrue(words[2].contains("--reconnect"), words[2]);
    String[] negative = stream("127.0.0.1:1", "--reconnect", "-5s");
    assertEquals("1", negative[0], negative[2]);
    assertTrue(negative[2].startsWith("fgbg: error: --reconnect -5s must be zero (off) or "
        + "positive; e.g. --reconnect 60s"), negative[2]);
    // One check, the client's: its upper bound too.
    String[] tooLong = stream("127.0.0.1:1", "--reconnect", "40000d");
    assertEquals("1", tooLong[0], tooLong[2]);
    assertTrue(tooLong[2].contains("at most 36500 days"), tooLong[2]);
  }
}
