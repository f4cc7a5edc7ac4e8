package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.TinyOnnx;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DepthMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NaN and infinite depth from a real ONNX Runtime session: refused, never served or cached. */
class FiniteDepthTest {
  @TempDir
  Path dir;

  private DepthRuntime runtime(Path model, Path cacheDir) throws Exception {
    return runtime(model, cacheDir, "");
  }

  private DepthRuntime runtime(Path model, Path cacheDir, String extra) throws Exception {
    TinyOnnx.config(model, extra);
    return load(model, cacheDir);
  }

  private DepthRuntime load(Path model, Path cacheDir) throws Exception {
    ModelConfig config = ModelConfig.load(model, null);
    OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 1);
    return DepthRuntime.create("teacher", m.device(), m, config, 16 << 20, cacheDir, 1L << 30);
  }

  @Test
  void nanDepthFailsWarmUpNamingTheModel() throws Exception {
    Path model = dir.resolve("nan");
    TinyOnnx.nanDepth(model);
    // A warm-up's 8 images in one batch, the 8,192 values below, even if the thread queueing
    // them is held off the CPU for longer than the usual 20 ms delay.
    TinyOnnx.config(model, 10_000, "");
    try (DepthRuntime rt = load(model, null)) {
      FgbgException e = assertThrows(FgbgException.class, () -> rt.warmUp(32, 32));
      assertEquals(FgbgException.Reason.FAILED_PRECONDITION, e.reason());
      assertTrue(e.getMessage().contains("warm-up of depth model 'teacher'"), e.getMessage());
      assertTrue(e.getMessage().contains("depth model 'tiny' produced 8,192 NaN or infinite"
          + " values of 8,192"), e.getMessage());
    }
  }

  @Test
  void aBatchWithNanFailsItsRequestsAndIsCachedNeitherInMemoryNorOnDisk() throws Exception {
    Path model = dir.resolve("dark");
    TinyOnnx.nanWhenDark(model);
    Path cache = dir.resolve("cache");
    Dataset d = TestDatasets.tiny();
    byte[] dark = new byte[32 * 32 * 3]; // red 0: sqrt(-127) everywhere
    byte[] bright = new byte[32 * 32 * 3];
    Arrays.fill(bright, (byte) 200);
    try (DepthRuntime rt = runtime(model, cache)) {
      rt.warmUp(32, 32); // mid-grey is finite: the model passes warm-up
      long warm = rt.stats().snapshot().inferred();
      for (int attempt = 1; attempt <= 2; attempt++) {
        var f = rt.teacher().depth(d, 1, 7, dark, 0);
        CompletionException e = assertThrows(CompletionException.class, f::join);
        FgbgException cause = (FgbgException) e.getCause();
        assertEquals(FgbgException.Reason.FAILED_PRECONDITION, cause.reason());
        assertTrue(cause.getMessage().contains("'tiny' produced 1,024 NaN"), cause.getMessage());
        assertEquals(warm + attempt, rt.stats().snapshot().inferred(),
            "recomputed: not cached in memory");
      }
      float[] ok = rt.teacher().depth(d, 1, 8, bright, 0).get(30, TimeUnit.SECONDS).values();
      // Teacher depth is served as float16: the model's value, rounded once.
      float modelOutput = (float) Math.sqrt(73) / 256f;
      assertEquals(DepthMap.rounded(new float[] {modelOutput}).values()[0], ok[0]);
      assertEquals(warm + 3, rt.stats().snapshot().inferred());
    }
    try (Stream<Path> files = Files.walk(cache)) {
      assertEquals(1, files.filter(Files::isRegularFile).count(),
          "only the finite map reached the disk tier");
    }
  }

  @Test
  void teacherDepthBeyondFloat16IsInfiniteAsServedAndRefused() throws Exception {
    Path model = dir.resolve("huge");
    TinyOnnx.linearDepth(model);
    byte[] white = new byte[32 * 32 * 3];
    Arrays.fill(white, (byte) 255);
    // (255 + 510 + 1020 + 1) * 40 = 71,440 m: a finite float, but beyond float16's 65,504.
    try (DepthRuntime rt = runtime(model, null, "\"outputScale\": 40")) {
      rt.warmUp(32, 32); // mid-grey: 35,880 m, which float16 holds
      var f = rt.teacher().depth(TestDatasets.tiny(), 1, 3, white, 0);
      CompletionException e = assertThrows(CompletionException.class, f::join);
      FgbgException cause = (FgbgException) e.getCause();
      assertEquals(FgbgException.Reason.FAILED_PRECONDITION, cause.reason());
      assertTrue(cause.getMessage().contains("'tiny' produced 1,024 NaN or infinite values of"
          + " 1,024 (in 1 of 1 maps"), cause.getMessage());
    }
  }
}
