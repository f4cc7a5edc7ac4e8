package dev.fgbg.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI in a JVM started with no locale (env -i, a container's default): its file-name
 * encoding is ASCII, which it says in one line, and a non-ASCII --out is one line naming the
 * flag and the encoding, not picocli's "cannot convert … (InvalidPathException …)".
 */
class AsciiJvmTest {
  @Test
  void aNonAsciiOutIsOneLineNamingTheFlagAndTheEncoding(@TempDir Path dir) throws Exception {
    ProcessBuilder pb = CliProcess.of("get", "--target", "127.0.0.1:1", "--indices", "0",
        "--out", dir.resolve("envi é").toString()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(2, p.exitValue(), out);
    List<String> lines = out.lines().toList();
    assertEquals("fgbg: warning: the JVM's file-name encoding is ANSI_X3.4-1968 (no locale set: "
        + "C/POSIX): non-ASCII file names cannot be read; start it with LANG=C.UTF-8",
        lines.get(0), out);
    assertEquals("fgbg: error: Invalid value for option '--out': " + dir + "/envi ??: this JVM "
        + "cannot use non-ASCII names (its file-name encoding is ANSI_X3.4-1968, no locale set: "
        + "C/POSIX); start it with LANG=C.UTF-8", lines.get(1), out);
    assertFalse(out.contains("Exception"), out);
  }
}
