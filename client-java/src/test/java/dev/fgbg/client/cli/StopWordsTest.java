package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.common.SampleDigest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A long verb stopped by a signal (Ctrl-C, SIGTERM: the same shutdown hooks) says how far it got and how to go on. */
class StopWordsTest {
  private static final Pattern STOPPED = Pattern.compile("fgbg: stopped \\((\\d+) samples "
      + "received\\); to go on from there: run the same stream with --start-batch (\\d+)"
      + " --limit (\\d+) in place of --start-batch 3 --limit 390000");

  @TempDir
  Path dir;

  @Test
  void aStreamStoppedBySigtermSaysWhereToGoOnFrom() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2)) {
      Process p = CliProcess.of("stream", "--target", "127.0.0.1:" + server.server().port(),
          "--dataset", "builtin", "--batch-size", "32", "--start-batch", "3", "--limit",
          "390000").redirectErrorStream(true).start();
      // SIGTERM once samples have arrived, far from the end.
      List<String> lines = CliProcess.terminatedAt(p, p.getInputStream(), "progress: ");
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the CLI stops");
      // The words on stderr; the partial lines (stdout, merged here) follow them.
      String last = lines.stream().filter(l -> l.startsWith("fgbg: stopped")).findFirst()
          .orElse(String.join("\n", lines));
      Matcher m = STOPPED.matcher(last);
      assertTrue(m.matches(), String.join("\n", lines));
      long samples = Long.parseLong(m.group(1));
      assertTrue(samples > 0 && samples % 32 == 0, last);
      assertEquals(3 + samples / 32, Long.parseLong(m.group(2)), last);
      assertEquals(390000 - samples, Long.parseLong(m.group(3)), last);
    }
  }

  /**
   * The stopped part prints its samples, rate and digest marked partial on stdout (it printed
   * none: checking that two parts add up meant streaming again): that digest is the part's
   * (a stream of just those samples gives it), and with the resumed rest's it sums to the whole.
   */
  @Test
  void aStreamStoppedBySigtermPrintsItsPartialDigestWhichAddsUpWithTheRest() throws Exception {
    try (TestServer server = TestServer.netty(TestDatasets.registry(), 2)) {
      String target = "127.0.0.1:" + server.server().port();
      Path out = Files.createTempFile(dir, "stdout", ".txt");
      Process p = CliProcess.of("stream", "--target", target, "--dataset", "builtin",
          "--batch-size", "32", "--start-batch", "3", "--limit", "390000")
          .redirectOutput(out.toFile()).start();
      List<String> said = CliProcess.terminatedAt(p, p.getErrorStream(), "progress: ");
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the CLI stops");
      Matcher m = STOPPED.matcher(said.get(said.size() - 1));
      assertTrue(m.matches(), String.join("\n", said));
      long samples = Long.parseLong(m.group(1));
      long resumeAt = Long.parseLong(m.group(2));
      List<String> lines = Files.readAllLines(out);
      assertEquals(3, lines.size(), String.join("\n", lines));
      assertEquals("samples: " + samples + " (partial)", lines.get(0));
      assertTrue(lines.get(1).matches("samples/s: [0-9.]+ \\(partial\\)"), lines.get(1));
      Matcher d = Pattern.compile("digest: ([0-9a-f]{64}) \\(partial\\)").matcher(lines.get(2));
      assertTrue(d.matches(), lines.get(2));
      String part1 = d.group(1);
      // The part's digest is that of exactly the samples it received.
      assertEquals(part1, digest(target, "--start-batch", "3", "--limit",
          String.valueOf(samples)));
      // Part 1 + the resumed part 2 (its first 64 samples) = the whole of those samples.
      String part2 = digest(target, "--start-batch", String.valueOf(resumeAt), "--limit", "64");
      String whole = digest(target, "--start-batch", "3", "--limit",
          String.valueOf(samples + 64));
      assertEquals(whole, SampleDigest.addHex(part1, part2));
    }
  }

  /** The digest line of a complete stream of builtin, in process. */
  private static String digest(String target, String... flags) {
    List<String> args = new ArrayList<>(List.of("stream", "--target", target, "--dataset",
        "builtin", "--batch-size", "32"));
    args.addAll(List.of(flags));
    PrintStream old = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, FgbgCli.run(args.toArray(String[]::new)));
    } finally {
      System.setOut(old);
      System.setErr(oldErr);
    }
    List<String> lines = o.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.get(2).startsWith("digest: ") && !lines.get(2).contains("partial"),
        String.join("\n", lines));
    return lines.get(2).substring("digest: ".length());
  }
}
