package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.depth.DiskTier;
import dev.fgbg.core.depth.OnnxDepthModel;
import dev.fgbg.server.options.ServerOptions;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layered depth with --cache-dir and no photo folder: the model runs once per background and
 * keeps nothing on disk, so the folder is neither opened nor made (only the warning says it is
 * unused), and the log says "listening" before "health SERVING", as with teacher depth.
 */
class LayeredCacheDirTest {
  @TempDir
  Path dir;

  @Test
  void anUnusedCacheDirIsOnlyWarnedAboutNotMadeAndListeningComesBeforeServing()
      throws Exception {
    Path model = dir.resolve("models/tiny");
    TinyOnnx.linearDepth(model);
    TinyOnnx.config(model, "");
    Path cache = dir.resolve("cache");
    // No photo folder either: a folder dataset's prepared photos would be kept there.
    ServerOptions o = ServerOptions.builder().workers(1).noExports()
        .builtin(new BuiltinConfig(16, 16, 2, 2, 2, model.toString(), "", "layered"))
        .device(OnnxDepthModel.Device.CPU).cacheDir(cache).build();
    try (LogCapture log = new LogCapture()) {
      FgbgApplication app = FgbgApplication.create(o);
      try {
        app.start(InProcessServerBuilder.forName(InProcessServerBuilder.generateName()));
        app.warm().get(60, TimeUnit.SECONDS);
        List<String> said = log.of(FgbgApplication.class.getName()).stream()
            .map(LogRecord::getMessage).toList();
        assertTrue(said.contains("--cache-dir " + cache + " is unused: no dataset has teacher "
            + "depth from a depth model (--depth-model, or a --config dataset naming one) and no "
            + "dataset is read from photo folders, so nothing is cached there"),
            String.join("\n", said));
        int listening = indexOf(said, "fgbg listening on ");
        int serving = indexOf(said, "health SERVING");
        assertTrue(listening >= 0 && listening < serving, String.join("\n", said));
        assertFalse(Files.exists(cache), "--cache-dir made for layered depth");
        assertEquals(List.of(), log.of(DiskTier.class.getName()).stream()
            .map(LogRecord::getMessage).toList());
      } finally {
        app.close();
      }
    }
  }

  private static int indexOf(List<String> lines, String start) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(start)) {
        return i;
      }
    }
    return -1;
  }
}
