package dev.fgbg.client.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The CLI run in this JVM with its output captured: what the CLI tests share. */
final class CliRun {
  private CliRun() {}

  /** Runs a verb; returns {exit code, stdout, stderr}, stderr written into {@code e} as it comes. */
  static String[] run(ByteArrayOutputStream e, String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = FgbgCli.run(args);
      return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** As {@link #run(ByteArrayOutputStream, String...)} with stderr kept to itself. */
  static String[] run(String... args) {
    return run(new ByteArrayOutputStream(), args);
  }
}
