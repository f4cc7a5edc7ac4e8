import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One thread renders a shuffled epoch; prints samples per second of that thread's CPU time, which
 * a loaded machine disturbs far less than wall time. For before/after comparisons with builds
 * from before the core split, rename the packages (dev.fgbg.core to dev.fgbg.server). Run:
 * {@code javac -cp bench/target/fgbg-bench.jar -d /tmp bench/compare/SynthCpu.java &&
 * java -cp bench/target/fgbg-bench.jar:/tmp SynthCpu 3000}.
 */
public class SynthCpu {
  public static void main(String[] a) {
    int n = Integer.parseInt(a[0]);
    Dataset d = new Dataset("builtin", BuiltinWorld.create(224, 224), Spec.builder().build());
    EpochPermutation order = new EpochPermutation(d.size(), 0, 0, true);
    byte[] img = new byte[d.imageBytes()];
    byte[] mask = new byte[d.maskBytes()];
    byte[] depth = new byte[d.depthBytes(DepthEncoding.FLOAT16)];
    Compositor.Target t = new Compositor.Target(img, 0, mask, 0, depth, 0);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (long p = 0; p < 3L * n; p++) {
      d.render(0, order.indexAt(p), DepthEncoding.FLOAT16, t);
    }
    for (int round = 0; round < 3; round++) {
      long c0 = mx.getCurrentThreadCpuTime();
      for (long p = 0; p < 3L * n; p++) {
        d.render(0, order.indexAt(3L * n + round * n + p), DepthEncoding.FLOAT16, t);
      }
      double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
      System.out.printf("samples per cpu-s: %.0f%n", n / cpu);
    }
  }
}
