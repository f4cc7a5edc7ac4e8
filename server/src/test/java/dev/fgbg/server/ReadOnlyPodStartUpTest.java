package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.SmallDisk;
import dev.fgbg.core.TinyOnnx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server as a locked-down pod runs it (a read-only root file system), in real processes: a
 * depth model with a java.io.tmpdir that ONNX Runtime cannot unpack its native libraries into is
 * refused in one line naming java.io.tmpdir and the fix, exit 2 (it was a 40-line trace, exit 1,
 * then a NullPointerException).
 */
class ReadOnlyPodStartUpTest {
  @TempDir
  Path root;

  @Test
  void aDepthModelWithAReadOnlyTmpdirIsRefusedInOneLineNamingTheFix() throws Exception {
    Path model = root.resolve("tiny");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    // A read-only tmpfs where root may mount one; else a folder under a file, which no one can
    // create (the same refusal, another reason).
    SmallDisk ro = SmallDisk.mount(root.resolve("ro"), "ro,size=1m");
    Path tmp = ro != null ? ro.dir()
        : Files.writeString(root.resolve("file"), "x").resolve("tmp");
    try {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
          "java").toString(), "-Djava.io.tmpdir=" + tmp, "-cp",
          System.getProperty("java.class.path"), Main.class.getName(), "--port", "0",
          "--builtin-size", "16", "--builtin-counts", "1:1", "--depth-model", model.toString(),
          "--device", "cpu"));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(2, p.exitValue(), out);
      String last = out.lines().reduce((a, b) -> b).orElse("");
      assertTrue(last.startsWith("fgbg: error: ONNX Runtime cannot unpack its native libraries "
          + "into java.io.tmpdir " + tmp), out);
      assertTrue(last.contains("FGBG_JAVA_OPTS=-Djava.io.tmpdir=DIR") && last.contains("emptyDir"),
          out);
      assertFalse(out.contains("\tat ") || out.contains("Exception") || out.contains("Error:"),
          out);
    } finally {
      if (ro != null) {
        ro.close();
      }
    }
  }

  @Test
  void aDefaultExportRootThatCannotBeCreatedIsOneWarningAndTheServerStarts() throws Exception {
    // The working folder read-only, as in a pod; without a mount, a folder under a file.
    SmallDisk ro = SmallDisk.mount(root.resolve("rocwd"), "ro,size=1m");
    Path cwd = ro != null ? ro.dir() : root;
    String exportRoot = ro != null ? "exports"
        : Files.writeString(root.resolve("f"), "x").resolve("exports").toString();
    String[] args = ro != null ? new String[] {"--builtin-size", "16", "--builtin-counts", "1:1"}
        : new String[] {"--builtin-size", "16", "--builtin-counts", "1:1", "--export-root",
            exportRoot};
    try (ServerJvm s = ServerJvm.inFolder(cwd, args)) {
      String log = s.log();
      String line = log.lines().filter(l -> l.contains("export root " + exportRoot
          + " (--export-root) cannot be created (")).findFirst().orElse(log);
      assertTrue(line.contains(" WARNING ") && line.endsWith("); every export will fail until it"
          + " can: give a writable folder with --export-root"), line);
      assertFalse(log.contains("\tat "), log);
    } finally {
      if (ro != null) {
        ro.close();
      }
    }
  }
}
