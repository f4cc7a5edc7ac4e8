package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.client.FgbgClient;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A --deadline that passes while the client still connects to a server that is up is named as
 * too short, as get's words for one that passes before a reply do: before, a stream said the
 * server "does not answer" and get that "no fgbg server answered … none listens there".
 */
class ShortDeadlineWordsTest {
  @TempDir
  Path out;

  @Test
  void aDeadlineShorterThanConnectingIsNamedNotTheServer() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2);
         HeldRelay relay = new HeldRelay(server.server().port())) {
      String target = relay.target();
      String[] said = streamAndGetSayConnecting(target, out.resolve("get"));
      // Before the connection or before name resolution, as a 1 ms deadline may pass: get's kind.
      String[] tiny = CliRun.run("stream", "--target", target, "--dataset", "tiny",
          "--batch-size", "4", "--limit", "8", "--deadline", "1ms");
      assertEquals("1", tiny[0], tiny[2]);
      assertTrue(tiny[2].startsWith("fgbg: error: DEADLINE_EXCEEDED: no reply within "
          + "--deadline 1ms (0 samples received)"), tiny[2]);
      assertTrue(tiny[2].trim().endsWith("raise --deadline or leave it out"), tiny[2]);
      for (String words : new String[] {said[0], said[1], tiny[2]}) {
        assertFalse(words.contains("does not answer") || words.contains("none listens")
            || words.contains("no fgbg server answered"), words);
      }
      relay.release(); // the same server, connected: it answers
      assertStreams(target);
    }
  }

  /**
   * A deadline that passes while the channel still resolves its target's name (a process's
   * first call on a busy machine, grpc-java's "waiting for name_resolver") is named as too
   * short to connect too: before, as the test above met it on a loaded machine, the words were
   * a busy server's ("a cold depth cache or a busy server can take longer").
   */
  @Test
  void aDeadlineThatPassesWhileTheNameResolvesIsNamedAsConnecting() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2)) {
      String target;
      try (HeldNames names = new HeldNames(server.server().port())) {
        target = names.target();
        streamAndGetSayConnecting(target, out.resolve("get"));
      }
      assertStreams(target); // the same server, its name resolved: it answers
    }
  }

  /**
   * The library says so too, naming its builder's method: a deadline under 1 s that passed while
   * it still connected to a server that is up (30 ms), or before the call started (1 ms), was
   * too short for the call. Before: "no fgbg server answered at … (none listens there …)", and
   * grpc-java's raw "ClientCall started after CallOptions deadline was exceeded -0.004 seconds
   * ago".
   */
  @Test
  void theLibrarySaysItsDeadlineWasTooShortNamingTheBuildersMethod() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2);
         HeldRelay relay = new HeldRelay(server.server().port())) {
      String target = relay.target();
      for (String[] d : new String[][] {{"30", "0.03"}, {"1", "0.001"}}) {
        try (FgbgClient c = FgbgClient.builder().target(target)
            .deadline(Duration.ofMillis(Long.parseLong(d[0]))).build()) {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
              () -> c.describe("tiny"));
          assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
          assertEquals("Describe to " + target + ": its deadline of " + d[1] + " s was too "
              + "short for the call: it passed before the client had connected and sent it (a "
              + "process's first call resolves the name and connects, which can take some "
              + "hundreds of ms); raise FgbgClient.builder().deadline(Duration) / --deadline",
              e.getStatus().getDescription());
        }
      }
    }
  }

  /**
   * A stream's and a get's words, checked and returned, for a --deadline 300ms that passed
   * before a connection.
   */
  private static String[] streamAndGetSayConnecting(String target, Path dir) {
    String[] stream = CliRun.run("stream", "--target", target, "--dataset", "tiny",
        "--batch-size", "4", "--limit", "8", "--deadline", "300ms");
    assertEquals("1", stream[0], stream[2]);
    assertEquals("fgbg: error: DEADLINE_EXCEEDED: no reply within --deadline 300ms (0 samples "
        + "received): it passed while the client was still connecting to " + target + ", "
        + "which can take longer (a process's first call sets up its connection); raise "
        + "--deadline or leave it out\n", stream[2]);
    String[] get = CliRun.run("get", "--target", target, "--dataset", "tiny", "--indices",
        "0-2", "--out", dir.toString(), "--deadline", "300ms");
    assertEquals("1", get[0], get[2]);
    assertEquals("fgbg: error: DEADLINE_EXCEEDED: no reply within --deadline 300ms: it passed "
        + "while the client was still connecting to " + target + ", which can take longer (a "
        + "process's first call sets up its connection); raise --deadline or leave it out\n",
        get[2]);
    return new String[] {stream[2], get[2]};
  }

  private static void assertStreams(String target) {
    String[] whole = CliRun.run("stream", "--target", target, "--dataset", "tiny",
        "--batch-size", "4", "--limit", "8");
    assertEquals("0", whole[0], whole[2]);
  }
}
