package dev.fgbg.core.depth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TinyOnnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user is told about a model folder or weights that cannot be used, and how to fix it. */
class WeightsMessagesTest {
  @TempDir
  Path dir;

  private String refusal(Path model, Path weights) {
    return assertThrows(FgbgException.class, () -> OnnxDepthModel.load(
        ModelConfig.load(model, weights), OnnxDepthModel.Device.CPU, 1).close()).getMessage();
  }

  @Test
  void aWeightsFileGivenAsTheModelFolderSaysWhereEachGoes() {
    Path onnx = TinyOnnx.linearDepth(dir);
    String why = assertThrows(FgbgException.class, () -> ModelConfig.load(onnx, null))
        .getMessage();
    assertTrue(why.contains("is a weights file: --depth-model (or a config's depthModel) takes a "
        + "model folder with a config.json"), why);
    assertTrue(why.contains("the weights go to --depth-weights " + onnx), why);
    assertFalse(why.contains("UTF-8"), why);
  }

  @Test
  void aSha256MismatchSaysHowToUseWeightsOfOnesOwn() {
    TinyOnnx.linearDepth(dir);
    TinyOnnx.config(dir, "\"sha256\": \"00\"");
    String why = refusal(dir, null);
    assertTrue(why.contains("but tiny expects 00; to use weights of your own, copy the model "
        + "folder " + dir + " and in the copy's config.json remove \"sha256\""), why);
    assertFalse(why.contains("give --depth-weights"), why);
  }

  @Test
  void truncatedOrForeignWeightsAreNotAnOnnxModelAndOnlyFilesThatExistAreNamed() throws Exception {
    Path onnx = TinyOnnx.linearDepth(dir);
    TinyOnnx.config(dir, "");
    byte[] whole = Files.readAllBytes(onnx);
    for (byte[] bad : new byte[][] {"this is not an onnx file".getBytes(),
        Arrays.copyOf(whole, whole.length / 2)}) {
      Files.write(onnx, bad);
      String why = refusal(dir, null);
      assertTrue(why.startsWith("depth model weights " + onnx + " is not an ONNX model (it "
          + "cannot be parsed: "), why);
      assertFalse(why.contains("ORT_") || why.contains("Protobuf"), why);
      assertFalse(why.contains("README.md"), "no README.md in this folder: " + why);
      assertTrue(why.endsWith("(replace it with the model's ONNX file, or give --depth-weights "
          + "PATH)"), why);
      Files.writeString(dir.resolve("README.md"), "how to get it");
      assertTrue(refusal(dir, null).contains("see " + dir.resolve("README.md")));
      Files.delete(dir.resolve("README.md"));
    }
  }

  @Test
  void missingWeightsInAFolderWithoutAReadmeAreToBePutThere() {
    TinyOnnx.config(dir, "");
    String why = refusal(dir, null);
    assertTrue(why.endsWith("not found (put model.onnx in " + dir + ", or give --depth-weights "
        + "PATH)"), why);
  }

  @Test
  void givenWeightsThatAreMissingAreNotToldToGiveThemAndATildeIsExplained() {
    TinyOnnx.config(dir, "");
    String why = refusal(dir, Path.of("~/models/tiny.onnx"));
    assertTrue(why.startsWith("depth model weights ~/models/tiny.onnx not found (a leading ~ is "
        + "not expanded in a config file's paths: write the full path)"), why);
    assertFalse(why.contains("give --depth-weights"), why);
  }
}
