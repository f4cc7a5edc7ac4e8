package dev.fgbg.bench;

import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.catalog.BuiltinConfig;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.server.flags.SceneFlags;
import dev.fgbg.v1.FolderDatasetConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * In-process synthesis of built-in samples (image + mask + float16 depth, 224×224) on all cores,
 * each thread rendering its own run of a shuffled epoch into reused buffers. With scene options
 * (the serve flags: {@code --objects 1:3 --blend poisson}, {@code --position depth}, …), rounds
 * of the classic spec and of the spec with those options alternate in one run, and the cost of
 * the options is the ratio of their CPU time per sample.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = "In-process synthesis throughput (built-in, 224x224, image+mask+depth); with "
        + "scene options, against the classic spec in the same run.")
final class SynthBench implements Callable<Integer> {
  @Option(names = "--threads", description = "Default: the number of cores.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--seconds", description = "Measured seconds per round (after a warm-up). "
      + "Default: 10.")
  double seconds = 10;

  @Option(names = "--warmup", description = "Warm-up seconds. Default: 5.")
  double warmup = 5;

  @Option(names = "--rounds", description = "Rounds of each spec, alternating. Default: 2.")
  int rounds = 2;

  @Option(names = "--position", description = "random (default), ground or depth (the "
      + "built-in world's exact depth).")
  Spec.Position position = Spec.Position.RANDOM;

  @Option(names = "--instances", description = "Also render the instance-id mask.")
  boolean instances;

  @Mixin
  SceneFlags scene;

  /** What one round measured. */
  private record Round(long samples, double wallSeconds, long cpuNanos) {}

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    AssetSet world = BuiltinWorld.create(224, 224);
    Spec classic = Spec.builder().build();
    Spec options = classic.toBuilder().position(position).scene(BuiltinConfig.standard()
        .withFields(scene.apply(FolderDatasetConfig.newBuilder()).build()).scene()).build();
    Dataset base = new Dataset("builtin", world, classic);
    Dataset d = new Dataset("builtin", world, options);
    System.err.printf(Locale.ROOT, "world + fingerprints: %.2f s%n",
        (System.nanoTime() - t0) / 1e9);
    run(base, warmup);
    run(d, warmup);
    Round[] a = new Round[rounds];
    Round[] b = new Round[rounds];
    for (int r = 0; r < rounds; r++) {
      a[r] = run(base, seconds);
      b[r] = run(d, seconds);
      System.err.printf(Locale.ROOT, "round %d: classic %s | options %s%n", r + 1,
          describe(a[r]), describe(b[r]));
    }
    String what = options.isScene() ? options.canonical()
        .substring(options.canonical().indexOf("scene/")) : "the classic spec";
    System.err.printf(Locale.ROOT, "threads: %d, seconds: %.1f x %d rounds, options: %s%s%n",
        threads, seconds, rounds, what, instances ? ", with instance ids" : "");
    Round classicTotal = total(a);
    Round optionsTotal = total(b);
    // On a shared machine a round only gets slower: the best rounds are the steadiest ratio.
    System.out.printf(Locale.ROOT, "cost: %.2fx CPU per sample of the classic spec (%.2fx in "
            + "the best rounds: %.1f vs %.1f µs)%n", cpu(optionsTotal) / cpu(classicTotal),
        best(b) / best(a), best(b) / 1e3, best(a) / 1e3);
    System.out.printf(Locale.ROOT, "samples/s: %.0f%n",
        optionsTotal.samples() / optionsTotal.wallSeconds());
    return 0;
  }

  private static String describe(Round r) {
    return String.format(Locale.ROOT, "%.0f samples/s, %.1f µs CPU/sample",
        r.samples() / r.wallSeconds(), r.cpuNanos() / 1e3 / r.samples());
  }

  /** CPU nanoseconds per sample. */
  private static double cpu(Round r) {
    return (double) r.cpuNanos() / r.samples();
  }

  /** The least CPU per sample of any round. */
  private static double best(Round[] rs) {
    return Arrays.stream(rs).mapToDouble(SynthBench::cpu).min().orElseThrow();
  }

  /** The rounds as one. */
  private static Round total(Round[] rs) {
    Round t = new Round(0, 0, 0);
    for (Round r : rs) {
      t = new Round(t.samples() + r.samples(), t.wallSeconds() + r.wallSeconds(),
          t.cpuNanos() + r.cpuNanos());
    }
    return t;
  }

  private Round run(Dataset d, double secs) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong cpu = new AtomicLong();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    // A shuffled epoch, as a trainer asks for it (sequential order would flatter the caches).
    EpochPermutation order = new EpochPermutation(d.size(), 0, 0, true);
    long end = System.nanoTime() + (long) (secs * 1e9);
    Thread[] workers = new Thread[threads];
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      long offset = t * (d.size() / threads);
      workers[t] = new Thread(() -> {
        long c0 = mx.getCurrentThreadCpuTime();
        byte[] img = new byte[d.imageBytes()];
        byte[] mask = new byte[d.maskBytes()];
        byte[] depth = new byte[d.depthBytes(DepthEncoding.FLOAT16)];
        Compositor.Target target = new Compositor.Target(img, 0, mask, 0, depth, 0);
        if (instances) {
          target = target.withInstances(new byte[d.maskBytes()], 0);
        }
        long p = offset;
        long n = 0;
        while ((n & 7) != 0 || System.nanoTime() < end) {
          d.render(0, order.indexAt(p), DepthEncoding.FLOAT16, target);
          p = (p + 1) % d.size();
          n++;
        }
        done.addAndGet(n);
        cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
      });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    return new Round(done.get(), (System.nanoTime() - start) / 1e9, cpu.get());
  }
}
