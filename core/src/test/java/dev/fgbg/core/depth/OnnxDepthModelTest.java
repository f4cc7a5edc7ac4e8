package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TinyOnnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void badModelsFailNamingTheFileAndTheProblem() throws Exception {
    TinyOnnx.config(dir, "");
    expect("not found", "README.md");
    Files.writeString(dir.resolve("model.onnx"), "this is not an onnx file");
    expect("are not a usable ONNX model", "model.onnx");
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
