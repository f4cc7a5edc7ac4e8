package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Pillow harness of the decode tests: a Python script (Debian's python3-pil) that makes the
 * files and writes Pillow's RGBA decode of each one named as FILE.rgba, and the comparison.
 */
final class Pillow {
  private static final String PYTHON = "/usr/bin/python3";
  private static final long TIMEOUT_S = 120;

  private Pillow() {}

  /**
   * Runs {@code script} with {@code dir} and {@code files} as its arguments. Its output goes to
   * a file, not a pipe: reading a pipe to its end first would wait for the process however long
   * it ran, and the timeout would never apply.
   */
  static void run(Path dir, String script, String... files) throws Exception {
    Path py = Files.writeString(dir.resolve("make.py"), script);
    Path log = dir.resolve("make.log");
    List<String> cmd = new ArrayList<>(List.of(PYTHON, py.toString(), dir.toString()));
    cmd.addAll(List.of(files));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean done = p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(done, "python did not finish in " + TIMEOUT_S + " s: " + out);
    assertEquals(0, p.exitValue(), "python3 with Pillow (apt-get install python3-pil): " + out);
  }

  /** Mean absolute difference of our RGBA decode of {@code file} in {@code dir} from Pillow's. */
  static double error(Path dir, String file) throws IOException {
    byte[] ours = ImageFiles.read(dir.resolve(file)).rgba();
    byte[] theirs = Files.readAllBytes(dir.resolve(file + ".rgba"));
    assertEquals(theirs.length, ours.length, file);
    long sum = 0;
    for (int i = 0; i < ours.length; i++) {
      sum += Math.abs((ours[i] & 0xff) - (theirs[i] & 0xff));
    }
    return (double) sum / ours.length;
  }
}
