package dev.fgbg.core.depth;

import dev.fgbg.common.InWords;
import com.google.protobuf.util.JsonFormat;
import dev.fgbg.core.FgbgException;
import dev.fgbg.v1.DepthModelConfig;
import dev.fgbg.v1.DepthOutputKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A model folder's config.json, validated, with defaults applied. A model is named by its folder
 * ({@code models/NAME}) or by its config file.
 */
public record ModelConfig(Path folder, DepthModelConfig proto, Path weights, boolean nhwc,
    boolean bgr, float inputScale, float[] mean, float[] std, boolean metric, float outputScale,
    int maxBatch, Duration maxQueueDelay, int queueCapacity) {

  /** Reads {@code models/NAME} (or a config.json path); {@code weights} overrides the file. */
  public static ModelConfig load(Path modelOrConfig, Path weightsOverride) {
    Path config = Files.isDirectory(modelOrConfig) ? modelOrConfig.resolve("config.json")
        : modelOrConfig;
    if (!Files.isRegularFile(config)) {
      throw FgbgException.invalidConfig("depth model config " + config + " not found: give a "
          + "model folder with a config.json (see models/), e.g. --depth-model "
          + "models/fastdepth_nyu_224");
    }
    if (config.getFileName() != null && config.getFileName().toString().endsWith(".onnx")) {
      throw FgbgException.invalidConfig("depth model " + config + " is a weights file: "
          + "--depth-model (or a config's depthModel) takes a model folder with a config.json, "
          + "e.g. --depth-model models/fastdepth_nyu_224, and the weights go to --depth-weights "
          + config + " (or depthWeights)");
    }
    DepthModelConfig.Builder b = DepthModelConfig.newBuilder();
    try {
      JsonFormat.parser().merge(Files.readString(config), b);
    } catch (IOException | RuntimeException e) {
      throw FgbgException.invalidConfig("depth model config " + config + " is not valid: "
          + InWords.of(e), e);
    }
    DepthModelConfig c = b.build();
    Path folder = config.getParent() == null ? Path.of(".") : config.getParent();
    String name = c.getName().isEmpty() ? folder.getFileName().toString() : c.getName();
    check(c.getInputHeight() > 0 && c.getInputWidth() > 0, config,
        "input_height and input_width must be positive");
    check(c.getMeanCount() == 0 || c.getMeanCount() == 3, config, "mean must have 3 values");
    check(c.getStdCount() == c.getMeanCount(), config, "std must have as many values as mean");
    for (float s : c.getStdList()) {
      check(s > 0, config, "std values must be positive");
    }
    String layout = c.getLayout().isEmpty() ? "NCHW" : c.getLayout();
    check(layout.equals("NCHW") || layout.equals("NHWC"), config, "layout must be NCHW or NHWC");
    String order = c.getChannelOrder().isEmpty() ? "RGB" : c.getChannelOrder();
    check(order.equals("RGB") || order.equals("BGR"), config, "channel_order must be RGB or BGR");
    check(c.getOutputKind() != DepthOutputKind.DEPTH_OUTPUT_KIND_UNSPECIFIED
        && c.getOutputKind() != DepthOutputKind.UNRECOGNIZED, config,
        "output_kind must be DEPTH_OUTPUT_KIND_METRIC or DEPTH_OUTPUT_KIND_RELATIVE_INVERSE");
    int maxBatch = c.getMaxBatch() == 0 ? 16 : c.getMaxBatch();
    check(maxBatch >= 1 && maxBatch <= 1024, config, "max_batch must be in [1, 1024]");
    int delay = c.getMaxQueueDelayMs() == 0 ? 5 : c.getMaxQueueDelayMs();
    check(delay >= 0 && delay <= 10_000, config, "max_queue_delay_ms must be in [0, 10000]");
    int capacity = c.getQueueCapacity() == 0 ? 4096 : c.getQueueCapacity();
    check(capacity >= maxBatch, config, "queue_capacity must be at least max_batch");
    Path weights = weightsOverride != null ? weightsOverride
        : folder.resolve(c.getWeights().isEmpty() ? "model.onnx" : c.getWeights());
    float[] mean = new float[c.getMeanCount()];
    float[] std = new float[c.getStdCount()];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = c.getMean(i);
      std[i] = c.getStd(i);
    }
    return new ModelConfig(folder, c.toBuilder().setName(name).build(), weights,
        layout.equals("NHWC"), order.equals("BGR"),
        c.getInputScale() == 0 ? 1f / 255f : c.getInputScale(), mean, std,
        c.getOutputKind() == DepthOutputKind.DEPTH_OUTPUT_KIND_METRIC,
        c.getOutputScale() == 0 ? 1f : c.getOutputScale(), maxBatch, Duration.ofMillis(delay),
        capacity);
  }

  private static void check(boolean ok, Path config, String rule) {
    if (!ok) {
      throw FgbgException.invalidConfig("depth model config " + config + ": " + rule);
    }
  }

  public String name() {
    return proto.getName();
  }

  public String units() {
    return metric ? "metres" : "relative inverse depth, per image min-max to [0, 1] (1 = nearest)";
  }
}
