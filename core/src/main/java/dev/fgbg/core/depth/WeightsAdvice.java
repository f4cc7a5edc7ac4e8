package dev.fgbg.core.depth;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a message about a model's weights tells the user to do: it points only at files that
 * exist (a user's own model folder may have no README.md) and does not suggest
 * {@code --depth-weights} to someone who already gave it.
 */
final class WeightsAdvice {
  private WeightsAdvice() {}

  /** Where the config itself puts the weights (no {@code --depth-weights}). */
  static Path inFolder(ModelConfig c) {
    String named = c.proto().getWeights();
    return c.folder().resolve(named.isEmpty() ? "model.onnx" : named);
  }

  /** Whether the weights came from {@code --depth-weights} or a config's depthWeights. */
  static boolean given(ModelConfig c) {
    return !c.weights().normalize().equals(inFolder(c).normalize());
  }

  /**
   * How to get the weights, in parentheses with a leading space: {@code missing}, they are not
   * there; else the file there is not usable.
   */
  static String how(ModelConfig c, boolean missing) {
    Path readme = c.folder().resolve("README.md");
    String name = inFolder(c).getFileName().toString();
    boolean told = Files.isRegularFile(readme);
    if (given(c)) {
      // Given weights that are wrong: the model's README still says where its own come from.
      return " (the path given as --depth-weights, or as depthWeights in a config file"
          + (told ? "; see " + readme + " for how to get " + name : "") + ")";
    }
    if (told) {
      return " (see " + readme + " for how to get " + name + ", or give --depth-weights PATH)";
    }
    return missing ? " (put " + name + " in " + c.folder() + ", or give --depth-weights PATH)"
        : " (replace it with the model's ONNX file, or give --depth-weights PATH)";
  }

  /** For a sha256 mismatch: how to run weights of one's own with this config. */
  static String ownWeights(ModelConfig c) {
    return "; to use weights of your own, copy the model folder " + c.folder() + " and in the "
        + "copy's config.json remove \"sha256\" (or set it to your file's sha256)";
  }

  /** A note when {@code p} starts with {@code ~}, which no fgbg path expands (as a shell would). */
  static String tilde(Path p) {
    return p.toString().startsWith("~")
        ? " (a leading ~ is not expanded in a config file's paths: write the full path)" : "";
  }
}
