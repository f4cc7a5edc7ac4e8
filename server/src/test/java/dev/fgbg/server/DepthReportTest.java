package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.depth.DepthRuntime;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.core.depth.DepthSettings;
import dev.fgbg.core.depth.OnnxDepthModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepthReportTest {
  @TempDir
  Path dir;

  @Test
  void oneLinePerModelAndOnlyWhenItsFiguresChanged() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    for (Path m : List.of(a, b)) {
      TinyOnnx.linearDepth(m);
      TinyOnnx.config(m, "");
    }
    try (DepthRuntimes runtimes = new DepthRuntimes(new DepthSettings(
        OnnxDepthModel.Device.CPU, 1, 1 << 20, null, 0), Ticker.systemTicker())) {
      DepthRuntime first = runtimes.get(a.toString(), "");
      DepthRuntime second = runtimes.get(b.toString(), "");
      List<String> lines = new ArrayList<>();
      DepthReport report = new DepthReport(runtimes.all(), lines::add);
      report.run();
      assertEquals(2, lines.size(), "the first report names every model: " + lines);
      report.run();
      assertEquals(2, lines.size(), "nothing changed, nothing logged");
      first.backgroundDepths(BuiltinWorld.create(8, 8, 2, 1)); // the warm-up is not counted
      report.run();
      assertEquals(3, lines.size(), lines.toString());
      assertTrue(lines.get(2).startsWith("depth " + first.name() + ": "), lines.get(2));
      assertTrue(lines.get(2).contains("inferences " + first.stats().snapshot().inferred()),
          lines.get(2));
      assertEquals(0, second.stats().snapshot().inferred());
    }
  }
}
