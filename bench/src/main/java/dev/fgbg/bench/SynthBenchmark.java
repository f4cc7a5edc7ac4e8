package dev.fgbg.bench;

import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One built-in sample (224×224) per call, split by output so the cost of each part shows:
 * {@code ./fgbg bench jmh SynthBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SynthBenchmark {
  /** The dataset, shared by every thread. */
  @State(Scope.Benchmark)
  public static class World {
    Dataset dataset;

    @Setup
    public void build() {
      dataset = new Dataset("builtin", BuiltinWorld.create(224, 224), Spec.builder().build());
    }
  }

  /** Per-thread buffers and index counter. */
  @State(Scope.Thread)
  public static class Buffers {
    byte[] image;
    byte[] mask;
    byte[] depth;
    long next;

    @Setup
    public void allocate(World w) {
      image = new byte[w.dataset.imageBytes()];
      mask = new byte[w.dataset.maskBytes()];
      depth = new byte[w.dataset.depthBytes(DepthEncoding.FLOAT16)];
      next = Thread.currentThread().getId() * 7919;
    }

    long index(Dataset d) {
      next = (next + 104_729) % d.size();
      return next;
    }
  }

  @Benchmark
  public SampleInfo placeOnly(World w, Buffers b) {
    return w.dataset.place(0, b.index(w.dataset));
  }

  @Benchmark
  public SampleInfo imageMaskDepth(World w, Buffers b) {
    return w.dataset.render(0, b.index(w.dataset), DepthEncoding.FLOAT16,
        new Compositor.Target(b.image, 0, b.mask, 0, b.depth, 0));
  }

  @Benchmark
  public SampleInfo imageOnly(World w, Buffers b) {
    return w.dataset.render(0, b.index(w.dataset), DepthEncoding.FLOAT16,
        new Compositor.Target(b.image, 0, null, 0, null, 0));
  }

  @Benchmark
  public SampleInfo maskOnly(World w, Buffers b) {
    return w.dataset.render(0, b.index(w.dataset), DepthEncoding.FLOAT16,
        new Compositor.Target(null, 0, b.mask, 0, null, 0));
  }

  @Benchmark
  public SampleInfo depthOnly(World w, Buffers b) {
    return w.dataset.render(0, b.index(w.dataset), DepthEncoding.FLOAT16,
        new Compositor.Target(null, 0, null, 0, b.depth, 0));
  }
}
