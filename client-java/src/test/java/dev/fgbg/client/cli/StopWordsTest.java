package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A long verb stopped by a signal (Ctrl-C, SIGTERM: the same shutdown hooks) says how far it got and how to go on. */
class StopWordsTest {
  private static final Pattern STOPPED = Pattern.compile("fgbg: stopped \\((\\d+) samples "
      + "received\\); to go on from there: run the same stream with --start-batch (\\d+)"
      + " --limit (\\d+)");

  @Test
  void aStreamStoppedBySigtermSaysWhereToGoOnFrom() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2)) {
      List<String> cmd = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), FgbgCli.class.getName(), "stream",
          "--target", "127.0.0.1:" + server.server().port(), "--dataset", "builtin",
          "--batch-size", "32", "--start-batch", "3", "--limit", "390000"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("progress: ")) {
          // SIGTERM once samples have arrived, far from the end. (Ctrl-C's SIGINT runs the same
          // hooks, but a process started in the background of a script, as CI's are, inherits
          // SIGINT ignored; Process.destroy would close the pipe this test reads.)
          new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
          break;
        }
      }
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the CLI stops");
      String last = lines.get(lines.size() - 1);
      Matcher m = STOPPED.matcher(last);
      assertTrue(m.matches(), String.join("\n", lines));
      long samples = Long.parseLong(m.group(1));
      assertTrue(samples > 0 && samples % 32 == 0, last);
      assertEquals(3 + samples / 32, Long.parseLong(m.group(2)), last);
      assertEquals(390000 - samples, Long.parseLong(m.group(3)), last);
    }
  }
}
