package dev.fgbg.bench;

import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.spec.Spec;
import dev.fgbg.core.synth.Compositor;
import dev.fgbg.core.synth.DepthEncoding;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * In-process synthesis of built-in samples (image + mask + float16 depth, 224×224) on all cores,
 * each thread rendering its own run of a shuffled epoch into reused buffers.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
    description = "In-process synthesis throughput (built-in, 224x224, image+mask+depth).")
final class SynthBench implements Callable<Integer> {
  @Option(names = "--threads", description = "Default: the number of cores.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--seconds", description = "Measured seconds (after a warm-up). Default: 10.")
  double seconds = 10;

  @Option(names = "--warmup", description = "Warm-up seconds. Default: 5.")
  double warmup = 5;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Dataset d = new Dataset("builtin", BuiltinWorld.create(224, 224), Spec.builder().build());
    System.err.printf(Locale.ROOT, "world + fingerprint: %.2f s%n", (System.nanoTime() - t0) / 1e9);
    run(d, warmup);
    double rate = run(d, seconds);
    System.err.printf(Locale.ROOT, "threads: %d, seconds: %.1f%n", threads, seconds);
    System.out.printf(Locale.ROOT, "samples/s: %.0f%n", rate);
    return 0;
  }

  private double run(Dataset d, double secs) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    // A shuffled epoch, as a trainer asks for it (sequential order would flatter the caches).
    EpochPermutation order = new EpochPermutation(d.size(), 0, 0, true);
    long end = System.nanoTime() + (long) (secs * 1e9);
    Thread[] workers = new Thread[threads];
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      long offset = t * (d.size() / threads);
      workers[t] = new Thread(() -> {
        byte[] img = new byte[d.imageBytes()];
        byte[] mask = new byte[d.maskBytes()];
        byte[] depth = new byte[d.depthBytes(DepthEncoding.FLOAT16)];
        Compositor.Target target = new Compositor.Target(img, 0, mask, 0, depth, 0);
        long p = offset;
        long n = 0;
        while ((n & 63) != 0 || System.nanoTime() < end) {
          d.render(0, order.indexAt(p), DepthEncoding.FLOAT16, target);
          p = (p + 1) % d.size();
          n++;
        }
        done.addAndGet(n);
      });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }
}
