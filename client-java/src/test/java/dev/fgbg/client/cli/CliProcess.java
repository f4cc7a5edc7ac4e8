package dev.fgbg.client.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI in a JVM of its own, as a user runs it, so that a signal reaches it: what the tests of
 * its stop words share.
 */
final class CliProcess {
  private CliProcess() {}

  /** A JVM running {@code fgbg args…} on this test's class path, not yet started. */
  static ProcessBuilder of(String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FgbgCli.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /**
   * SIGTERM, as a user's kill sends it. (Ctrl-C's SIGINT runs the same hooks, but a process
   * started in the background of a script, as CI's are, inherits SIGINT ignored;
   * Process.destroy would close the pipe a test reads.)
   */
  static void terminate(Process p) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).start().waitFor();
  }

  /**
   * The lines of {@code out} (a stream of {@code p}'s): read until one starts with
   * {@code prefix}, then {@code p} is sent SIGTERM, then the rest is read to its end.
   */
  static List<String> terminatedAt(Process p, InputStream out, String prefix)
      throws IOException, InterruptedException {
    BufferedReader r = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = r.readLine()) != null) {
      lines.add(line);
      if (line.startsWith(prefix)) {
        terminate(p);
        break;
      }
    }
    while ((line = r.readLine()) != null) {
      lines.add(line);
    }
    return lines;
  }
}
