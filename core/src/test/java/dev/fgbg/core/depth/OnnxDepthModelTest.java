package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.dataset.DepthMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxDepthModelTest {
  @TempDir
  Path dir;

  private OnnxDepthModel load(String extra) {
    TinyOnnx.config(dir, extra);
    return OnnxDepthModel.load(ModelConfig.load(dir, null), OnnxDepthModel.Device.CPU, 2);
  }

  @Test
  void runsAClosedFormModelExactlyInABatch() {
    TinyOnnx.linearDepth(dir);
    try (OnnxDepthModel m = load("")) {
      byte[] a = new byte[32 * 32 * 3];
      byte[] b = new byte[32 * 32 * 3 + 9];
      for (int i = 0; i < a.length; i++) {
        a[i] = (byte) (i * 7);
        b[i + 9] = (byte) (i * 13);
      }
      float[][] out = m.infer(List.of(new DepthModel.Image(a, 0, 32, 32),
          new DepthModel.Image(b, 9, 32, 32)), 32, 32);
      for (int p = 0; p < 32 * 32; p++) {
        assertEquals(TinyOnnx.linear(a[p * 3] & 255, a[p * 3 + 1] & 255, a[p * 3 + 2] & 255),
            out[0][p]);
        assertEquals(TinyOnnx.linear(b[9 + p * 3] & 255, b[9 + p * 3 + 1] & 255,
            b[9 + p * 3 + 2] & 255), out[1][p]);
      }
      assertTrue(m.id().startsWith("onnx:tiny:sha256="));
      assertEquals("metres", m.units());
    }
  }

  /** An image whose pixels are a function of (seed, pixel), at {@code off} of its array. */
  private static DepthModel.Image image(int seed, int off) {
    byte[] rgb = new byte[off + 32 * 32 * 3];
    for (int i = 0; i < 32 * 32 * 3; i++) {
      rgb[off + i] = (byte) (i * (7 + 2 * seed) + seed);
    }
    return new DepthModel.Image(rgb, off, 32, 32);
  }

  private static void assertLinear(DepthModel.Image img, float[] map) {
    byte[] a = img.rgb();
    int o = img.offset();
    for (int p = 0; p < 32 * 32; p++) {
      assertEquals(TinyOnnx.linear(a[o + p * 3] & 255, a[o + p * 3 + 1] & 255,
          a[o + p * 3 + 2] & 255), map[p], "pixel " + p);
    }
  }

  @Test
  void reusedBuffersGiveExactMapsBatchAfterBatchWhateverTheSizeOrPadding() {
    for (String pad : new String[] {"\"padBatches\": false", "\"padBatches\": true"}) {
      for (int kind = 0; kind < 3; kind++) {
        switch (kind) {
          case 0 -> TinyOnnx.linearDepth(dir); // output size learnt by the first run
          case 1 -> TinyOnnx.linearDepth(dir, 32); // known at load: pinned from the first run
          default -> TinyOnnx.linearDepthHalf(dir); // float16 output: converted every run
        }
        try (OnnxDepthModel m = load(pad)) {
          int seed = 0;
          for (int n : new int[] {5, 8, 1, 3, 19}) { // 19: more than a batch, run as 8 + 8 + 3
            List<DepthModel.Image> imgs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              imgs.add(image(seed++, i % 3));
            }
            float[][] maps = m.infer(imgs, 32, 32);
            for (int i = 0; i < n; i++) {
              assertLinear(imgs.get(i), maps[i]);
            }
          }
          try (DepthModel.Batch b = m.prepare(List.of(new DepthModel.Job(image(99, 0), 32, 32),
              new DepthModel.Job(image(98, 5), 16, 8)))) {
            b.run();
            assertLinear(image(99, 0), b.map(0));
            assertEquals(16 * 8, b.map(1).length, "resized to what the job asked for");
            assertArrayEquals(DepthMap.rounded(b.map(0)).half(), b.rounded(0).half(),
                "the float16 map is the float map rounded");
          }
        }
      }
    }
  }

  @Test
  void twoSessionsRunBatchesConcurrentlyWithTheMapsOfOne() throws Exception {
    TinyOnnx.linearDepth(dir, 32);
    TinyOnnx.config(dir, "");
    ModelConfig config = ModelConfig.load(dir, null);
    try (OnnxDepthModel one = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 2, 1);
        OnnxDepthModel two = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 2, 2);
        OnnxDepthModel auto = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 2);
        OnnxDepthModel single = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 1)) {
      assertEquals(1, one.parallelRuns());
      assertEquals(2, two.parallelRuns());
      assertEquals(2, auto.parallelRuns(), "two sessions on CPU by default");
      assertEquals(1, single.parallelRuns(), "never more sessions than threads");
      // Three batches run from three threads on two sessions: the third waits for a session.
      List<DepthModel.Batch> batches = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        batches.add(two.prepare(List.of(new DepthModel.Job(image(k, 0), 32, 32),
            new DepthModel.Job(image(k + 10, 2), 32, 32))));
      }
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<?>> runs = new ArrayList<>();
        batches.forEach(b -> runs.add(pool.submit(b::run)));
        for (Future<?> f : runs) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdown();
      }
      for (int k = 0; k < 3; k++) {
        try (DepthModel.Batch b = batches.get(k);
            DepthModel.Batch alone = one.prepare(List.of(new DepthModel.Job(image(k, 0), 32, 32),
                new DepthModel.Job(image(k + 10, 2), 32, 32)))) {
          alone.run();
          for (int i = 0; i < 2; i++) {
            assertArrayEquals(alone.map(i), b.map(i), "batch " + k + " image " + i);
          }
          assertLinear(image(k, 0), b.map(0));
        }
      }
    }
  }

  @Test
  void sessionsShareTheThreadsEqually() {
    assertEquals(1, OnnxSessions.share(3, 2), "every session alike; the rest is the renderers'");
    assertEquals(8, OnnxSessions.share(16, 2));
    assertEquals(1, OnnxSessions.share(1, 1));
    assertEquals("2 sessions of 1 thread each", new OnnxSessions.Opened(
        Collections.nCopies(2, null), "cpu", 1).inWords());
    assertEquals("1 session of 2 threads", new OnnxSessions.Opened(
        Collections.nCopies(1, null), "cpu", 2).inWords());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DepthSettings(OnnxDepthModel.Device.CPU, 2, 0, null, 0, null, -1));
    assertTrue(e.getMessage().contains("sessions"), e.getMessage());
  }

  @Test
  void moreSessionsThanThreadsAreLoweredWithOneLine() {
    TinyOnnx.linearDepth(dir);
    TinyOnnx.config(dir, "");
    try (LogLines log = LogLines.capture(OnnxSessions.class.getName())) {
      try (OnnxDepthModel m = OnnxDepthModel.load(ModelConfig.load(dir, null),
          OnnxDepthModel.Device.CPU, 2, 5)) {
        assertEquals(2, m.parallelRuns());
      }
      assertEquals(List.of("INFO depth model tiny: --depth-sessions 5 lowered to 2: each session "
          + "takes a thread of its own and the model has 2 (--workers)"), log.lines());
    }
  }

  @Test
  void autoOnAMachineWithoutCudaSaysSoPlainly() {
    TinyOnnx.linearDepth(dir);
    TinyOnnx.config(dir, "");
    try (LogLines log = LogLines.capture(OnnxSessions.class.getName())) {
      try (OnnxDepthModel m = OnnxDepthModel.load(ModelConfig.load(dir, null),
          OnnxDepthModel.Device.AUTO, 2, 1)) {
        // ONNX Runtime's own text (ORT_EP_FAIL, "CUDA shared provider") was the line before.
        assertEquals(m.device().equals("cuda") ? List.of()
            : List.of("INFO depth model tiny: no CUDA on this machine; depth runs on CPU"),
            log.lines());
      }
    }
  }

  @Test
  void theInputRowIsWhatTheConfigSays() {
    TinyOnnx.linearDepth(dir);
    TinyOnnx.config(dir, "\"channelOrder\": \"BGR\", \"mean\": [1, 2, 3], \"std\": [2, 4, 8]");
    try (OnnxDepthModel m = OnnxDepthModel.load(ModelConfig.load(dir, null),
        OnnxDepthModel.Device.CPU, 1)) {
      DepthModel.Image img = image(3, 4);
      float[] row = m.input(img);
      assertEquals(3 * 32 * 32, row.length);
      assertArrayEquals(new long[] {2, 3, 32, 32}, m.inputShape(2));
      float[] mean = {1, 2, 3};
      float[] std = {2, 4, 8};
      for (int c = 0; c < 3; c++) {
        for (int p = 0; p < 32 * 32; p++) {
          float raw = img.rgb()[img.offset() + p * 3 + 2 - c] & 255;
          assertEquals((raw * 1f - mean[c]) / std[c], row[c * 32 * 32 + p], "channel " + c);
        }
      }
    }
  }

  @Test
  void badModelsFailNamingTheFileAndTheProblem() throws Exception {
    TinyOnnx.config(dir, "");
    expect("not found", "put model.onnx in");
    Files.writeString(dir.resolve("model.onnx"), "this is not an onnx file");
    expect("is not an ONNX model", "model.onnx");
    TinyOnnx.oneChannel(dir);
    expect("input 'input' has shape [-1, 1, -1, -1] but the config expects [N,3,32,32]", "");
    TinyOnnx.scalarOutput(dir);
    expect("output 'depth' has shape [-1]; a depth model must output [N,1,H,W] or [N,H,W]", "");
    TinyOnnx.linearDepth(dir);
    TinyOnnx.config(dir, "\"sha256\": \"00\"");
    expect("but tiny expects 00", "");
    TinyOnnx.config(dir, "\"inputName\": \"pixels\"");
    expect("has no input named 'pixels'", "[input]");
    Files.writeString(dir.resolve("config.json"), "{\"inputHeight\": 0}");
    expect("input_height and input_width must be positive", "config.json");
  }

  private void expect(String fragment, String also) {
    FgbgException e = assertThrows(FgbgException.class, () -> OnnxDepthModel.load(
        ModelConfig.load(dir, null), OnnxDepthModel.Device.CPU, 1).close());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().contains(also), e.getMessage());
  }

  @Test
  void aMissingConfigSaysWhatToGive() {
    FgbgException e = assertThrows(FgbgException.class,
        () -> ModelConfig.load(dir.resolve("nope"), null));
    assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("--depth-model"));
  }
}
