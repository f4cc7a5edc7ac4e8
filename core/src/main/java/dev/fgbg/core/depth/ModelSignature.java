package dev.fgbg.core.depth;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import dev.fgbg.core.FgbgException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Checks an ONNX session's inputs and outputs against a model's config before anything runs, so
 * that a wrong model fails at start-up with the file, the tensor and both shapes named.
 */
final class ModelSignature {
  private ModelSignature() {}

  /** The tensor named {@code wanted} (the first one when {@code wanted} is empty). */
  static String pick(Map<String, NodeInfo> infos, String wanted, String what,
      Path w) {
    if (!wanted.isEmpty()) {
      if (!infos.containsKey(wanted)) {
        throw FgbgException.invalidConfig("depth model " + w + " has no " + what + " named '"
            + wanted + "'; its " + what + "s are " + infos.keySet());
      }
      return wanted;
    }
    return infos.keySet().iterator().next();
  }

  static void checkInput(ModelConfig c, TensorInfo t, String name, Path w) {
    long[] s = t.getShape();
    long ch = s.length == 4 ? (c.nhwc() ? s[3] : s[1]) : -2;
    long h = s.length == 4 ? (c.nhwc() ? s[1] : s[2]) : -2;
    long wd = s.length == 4 ? (c.nhwc() ? s[2] : s[3]) : -2;
    if (s.length != 4 || (ch != 3 && ch != -1)
        || (h != -1 && h != c.proto().getInputHeight())
        || (wd != -1 && wd != c.proto().getInputWidth())) {
      throw FgbgException.invalidConfig("depth model " + w + ": input '" + name + "' has shape "
          + Arrays.toString(s) + " but the config expects " + (c.nhwc() ? "[N," + c.proto()
          .getInputHeight() + "," + c.proto().getInputWidth() + ",3]" : "[N,3," + c.proto()
          .getInputHeight() + "," + c.proto().getInputWidth() + "]"));
    }
  }

  static void checkOutput(TensorInfo t, String name, Path w) {
    long[] s = t.getShape();
    boolean ok = s.length == 3 || (s.length == 4 && (s[1] == 1 || s[1] == -1));
    if (!ok) {
      throw FgbgException.invalidConfig("depth model " + w + ": output '" + name + "' has shape "
          + Arrays.toString(s) + "; a depth model must output [N,1,H,W] or [N,H,W]");
    }
  }
}
