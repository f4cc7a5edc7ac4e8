package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.TinyOnnx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs whose batch dimension is fixed (the official MiDaS-small export takes exactly 1), and
 * models that fail at run time, through a real ONNX Runtime session.
 */
class FixedBatchModelTest {
  @TempDir
  Path dir;

  private OnnxDepthModel load(String extra) {
    TinyOnnx.config(dir, extra); // maxBatch 8
    return OnnxDepthModel.load(ModelConfig.load(dir, null), OnnxDepthModel.Device.CPU, 2);
  }

  private static DepthModel.Image image(int seed) {
    byte[] rgb = new byte[32 * 32 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (i * (7 + 2 * seed) + seed);
    }
    return new DepthModel.Image(rgb, 0, 32, 32);
  }

  /** Runs {@code n} images and checks every map against the closed form. */
  private static void runsExactly(OnnxDepthModel m, int n) {
    List<DepthModel.Image> imgs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      imgs.add(image(i));
    }
    float[][] maps = m.infer(imgs, 32, 32);
    for (int i = 0; i < n; i++) {
      byte[] a = imgs.get(i).rgb();
      for (int p = 0; p < 32 * 32; p++) {
        assertEquals(TinyOnnx.linear(a[p * 3] & 255, a[p * 3 + 1] & 255, a[p * 3 + 2] & 255),
            maps[i][p], "image " + i + ", pixel " + p);
      }
    }
  }

  @Test
  void aGraphWithABatchFixedAtOneLowersMaxBatchSayingSoOnceAndRuns() {
    TinyOnnx.linearDepthBatch(dir, 1);
    for (String pad : new String[] {"\"padBatches\": true", "\"padBatches\": false"}) {
      try (LogLines log = LogLines.capture(GraphBatch.class.getName())) {
        try (OnnxDepthModel m = load(pad)) {
          assertEquals(1, m.maxBatch(), "the graph's batch, not the config's 8");
          runsExactly(m, 3);
        }
        assertEquals(List.of("INFO depth model 'tiny' takes batches of exactly 1 (fixed in the "
            + "graph); maxBatch 8 lowered to 1"), log.lines());
      }
    }
  }

  @Test
  void aGraphWithABatchFixedAtFourIsPaddedToFour() {
    TinyOnnx.linearDepthBatch(dir, 4);
    try (OnnxDepthModel m = load("\"padBatches\": true")) {
      assertEquals(4, m.maxBatch());
      runsExactly(m, 7); // a full batch of 4, then 3 padded to 4
      runsExactly(m, 1);
    }
  }

  @Test
  void aFixedBatchTheConfigDoesNotPadIsRefusedAtLoadNamingTheFix() {
    TinyOnnx.linearDepthBatch(dir, 4);
    FgbgException e = assertThrows(FgbgException.class, () -> load("").close());
    assertTrue(e.getMessage().startsWith("depth model 'tiny' takes batches of exactly 4 (fixed "
        + "in the graph of "), e.getMessage());
    assertTrue(e.getMessage().contains("set \"padBatches\": true in "), e.getMessage());
  }

  @Test
  void aDynamicBatchKeepsTheConfigsMaxBatchAndId() {
    TinyOnnx.linearDepth(dir);
    try (OnnxDepthModel m = load("\"padBatches\": true")) {
      assertEquals(8, m.maxBatch());
      String id = m.id();
      TinyOnnx.linearDepthBatch(dir, 8); // other weights: only the sha256 part differs
      try (OnnxDepthModel fixed = load("\"padBatches\": true")) {
        assertEquals(8, fixed.maxBatch());
        assertEquals(id.substring(id.lastIndexOf(':')),
            fixed.id().substring(fixed.id().lastIndexOf(':')), "the config part of the id");
      }
    }
  }

  @Test
  void aRunTheRuntimeRefusesIsOneLineNamingTheModel() {
    TinyOnnx.failsAtRun(dir);
    try (OnnxDepthModel m = load("")) {
      for (int attempt = 0; attempt < 2; attempt++) { // the session is still usable after
        FgbgException e = assertThrows(FgbgException.class, () -> runsExactly(m, 2));
        assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason());
        assertTrue(e.getMessage().startsWith("depth model 'tiny' failed on a batch of 2 rows: "),
            e.getMessage());
        assertTrue(e.getMessage().contains("Gather"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("Error code -"), e.getMessage());
      }
    }
  }
}
