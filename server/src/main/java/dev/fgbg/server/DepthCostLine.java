package dev.fgbg.server;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthRuntime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The start-up line, after a depth model's warm-up, saying what a sample its cache lacks costs:
 * teacher depth runs the model on every composite, and on CPU an epoch of it takes hours, which
 * nothing else at start-up tells a user who left the default mode on.
 */
final class DepthCostLine {
  private DepthCostLine() {}

  /** The datasets whose teacher depth {@code r} computes (the ones its warm-up is for). */
  static List<Dataset> taught(DepthRuntime r, List<Dataset> datasets) {
    return datasets.stream().filter(d -> d.teacher() != null
        && d.teacher().id().equals(r.modelId())).toList();
  }

  /**
   * The line, estimated from the warm-up ({@code images} run at once in {@code seconds}); empty
   * when no dataset has teacher depth from {@code r} (layered depth costs nothing per sample).
   * On CPU it adds what an epoch of each such dataset takes cold and what is faster.
   */
  static Optional<String> of(DepthRuntime r, int images, double seconds, List<Dataset> taught) {
    if (taught.isEmpty() || images <= 0) {
      return Optional.empty();
    }
    double each = seconds / images;
    String line = String.format(Locale.ROOT, "depth model %s on %s: a sample not in the depth "
        + "cache costs about %.4f s (%.1f samples/s; an estimate from the warm-up's %d images, "
        + "which run slower than later ones)", r.name(), r.device(), each, 1 / each, images);
    if (!r.device().equals("cpu")) {
      return Optional.of(line);
    }
    String epochs = taught.stream().map(d -> String.format(Locale.ROOT, "%s (%,d samples) "
        + "about %s", d.name(), d.size(), duration(each * d.size()))).collect(
        Collectors.joining(", "));
    return Optional.of(line + "; teacher depth on CPU, an epoch computed cold takes: " + epochs
        + "; --depth-mode layered (the model once per background) or a GPU (--device cuda) is "
        + "the fast choice");
  }

  /** Hours, or minutes under an hour. */
  private static String duration(double seconds) {
    return seconds >= 3600 ? String.format(Locale.ROOT, "%.1f h", seconds / 3600)
        : seconds < 60 ? "a minute or less"
        : String.format(Locale.ROOT, "%.0f min", Math.ceil(seconds / 60));
  }
}
