package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.Fixtures;
import dev.fgbg.core.TinyOnnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's own log lines in a server's log: its warnings came in its own format, with
 * terminal colour codes even into a file, and one was its telemetry's (it could not persist a
 * device ID under a HOME it cannot write, as in a read-only pod). A server with a depth model,
 * in a process of its own with such a HOME, logs none of them.
 */
class OnnxLogTest {
  @TempDir
  Path dir;

  @Test
  void aDepthModelsServerLogsNoColourCodesNorTheRuntimesTelemetryWarning() throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path home = Files.writeString(dir.resolve("home"), "a file: nothing can be made under it");
    String log;
    // In a folder of its own: the runtime, started without the launcher's environment, leaves
    // a file there (':memory:.ses') in this case.
    Path work = Files.createDirectories(dir.resolve("work"));
    try (ServerJvm s = ServerJvm.withEnvironment(work, List.of("HOME=" + home), "--workers", "2",
        "--builtin-size", "16", "--builtin-counts", "4:4", "--bg", dir.resolve("bg").toString(),
        "--fg", dir.resolve("fg").toString(), "--size", "32", "--depth-model",
        model.toString())) {
      s.close(); // its start-up, the depth model's session made, is all in the log
      log = s.log();
    }
    assertTrue(log.contains("fgbg listening on"), log);
    assertFalse(log.contains("\u001b["), log);
    assertFalse(log.contains("onnxruntime") || log.contains("telemetry"), log);
  }

  /**
   * Started as {@code ./fgbg serve} starts it, a depth model's server writes nothing outside
   * the folders it is given: not ':memory:.ses' in the working folder under a read-only HOME (a
   * pod's), nor the runtime's telemetry files under a writable one.
   */
  @Test
  void startedByTheLauncherTheRuntimeWritesNeitherInTheWorkingFolderNorInHome()
      throws Exception {
    Fixtures.goodFolders(dir);
    Path model = dir.resolve("model");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path launcher = Path.of("..", "fgbg").toAbsolutePath().normalize();
    Path readOnly = Files.writeString(dir.resolve("home-file"), "nothing can be made under it");
    Path writable = Files.createDirectories(dir.resolve("home"));
    for (Path home : List.of(readOnly, writable)) {
      Path work = Files.createDirectories(dir.resolve("work-" + home.getFileName()));
      List<String> prefix = List.of("env", "-u", "ORT_DISABLE_TELEMETRY", "HOME=" + home,
          "bash", "-c", "source <(sed -n '/^onnx_runtime_env()/,/^}/p' " + launcher
          + ") && onnx_runtime_env && exec \"$@\"", "bash");
      try (ServerJvm s = ServerJvm.withPrefix(work, prefix, "--workers", "2", "--builtin-size",
          "16", "--builtin-counts", "4:4", "--bg", dir.resolve("bg").toString(), "--fg",
          dir.resolve("fg").toString(), "--size", "32", "--depth-model", model.toString(),
          "--export-root", dir.resolve("exports").toString())) {
        s.close(); // the runtime's environment and the model's sessions are made by now
        assertTrue(s.log().contains("fgbg listening on"), s.log());
      }
      try (Stream<Path> left = Files.list(work)) {
        assertEquals(List.of(), left.toList(), "the working folder under HOME " + home);
      }
    }
    try (Stream<Path> left = Files.walk(writable)) {
      assertEquals(List.of(writable), left.toList(), "the writable HOME");
    }
  }
}
