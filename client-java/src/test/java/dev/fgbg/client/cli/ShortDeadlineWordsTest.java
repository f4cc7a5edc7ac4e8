package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import java.nio.file.Path;
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
      String[] stream = CliRun.run("stream", "--target", target, "--dataset", "tiny",
          "--batch-size", "4", "--limit", "8", "--deadline", "300ms");
      assertEquals("1", stream[0], stream[2]);
      assertEquals("fgbg: error: DEADLINE_EXCEEDED: no reply within --deadline 300ms (0 samples "
          + "received): it passed while the client was still connecting to " + target + ", "
          + "which can take longer (a process's first call sets up its connection); raise "
          + "--deadline or leave it out\n", stream[2]);
      String[] get = CliRun.run("get", "--target", target, "--dataset", "tiny", "--indices",
          "0-2", "--out", out.resolve("get").toString(), "--deadline", "300ms");
      assertEquals("1", get[0], get[2]);
      assertEquals("fgbg: error: DEADLINE_EXCEEDED: no reply within --deadline 300ms: it passed "
          + "while the client was still connecting to " + target + ", which can take longer (a "
          + "process's first call sets up its connection); raise --deadline or leave it out\n",
          get[2]);
      // Before the connection or before name resolution, as a 1 ms deadline may pass: get's kind.
      String[] tiny = CliRun.run("stream", "--target", target, "--dataset", "tiny",
          "--batch-size", "4", "--limit", "8", "--deadline", "1ms");
      assertEquals("1", tiny[0], tiny[2]);
      assertTrue(tiny[2].startsWith("fgbg: error: DEADLINE_EXCEEDED: no reply within "
          + "--deadline 1ms (0 samples received)"), tiny[2]);
      assertTrue(tiny[2].trim().endsWith("raise --deadline or leave it out"), tiny[2]);
      for (String said : new String[] {stream[2], get[2], tiny[2]}) {
        assertFalse(said.contains("does not answer") || said.contains("none listens")
            || said.contains("no fgbg server answered"), said);
      }
      relay.release(); // the same server, connected: it answers
      String[] whole = CliRun.run("stream", "--target", target, "--dataset", "tiny",
          "--batch-size", "4", "--limit", "8");
      assertEquals("0", whole[0], whole[2]);
    }
  }
}
