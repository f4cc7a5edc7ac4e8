import dev.fgbg.core.assets.Background;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.depth.DepthModel;
import dev.fgbg.core.depth.ModelConfig;
import dev.fgbg.core.depth.OnnxDepthModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java side of one depth batch: {@code OnnxDepthModel.infer} of 16 built-in backgrounds on a
 * model folder whose model costs next to nothing (a 1×1 convolution at 224×224), so that the time
 * is mostly input filling, output reading and allocation; best of 7 rounds of 50 batches, one
 * intra-op thread. Works against builds from before issue 19 too (the same public API). Run:
 * {@code javac -cp bench/target/fgbg-bench.jar -d /tmp bench/compare/DepthJavaWork.java &&
 * java -cp bench/target/fgbg-bench.jar:/tmp DepthJavaWork MODEL_FOLDER}; BENCHMARKS.md says how
 * to make the model.
 */
public class DepthJavaWork {
  public static void main(String[] a) {
    ModelConfig config = ModelConfig.load(Path.of(a[0]), null);
    List<Background> bgs = BuiltinWorld.create(224, 224).backgrounds();
    List<DepthModel.Image> images = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      images.add(new DepthModel.Image(bgs.get(i).rgb(), 0, 224, 224));
    }
    try (OnnxDepthModel m = OnnxDepthModel.load(config, OnnxDepthModel.Device.CPU, 1)) {
      for (int i = 0; i < 50; i++) {
        m.infer(images, 224, 224);
      }
      double best = Double.MAX_VALUE;
      for (int round = 0; round < 7; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++) {
          m.infer(images, 224, 224);
        }
        best = Math.min(best, (System.nanoTime() - t0) / 50 / 1e6);
      }
      System.out.printf("best %.2f ms per batch of 16%n", best);
    }
  }
}
