package dev.fgbg.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.assets.BuiltinWorld;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.export.ExportFormat;
import dev.fgbg.core.export.ExportJob;
import dev.fgbg.core.export.ExportRoot;
import dev.fgbg.core.export.Exporter;
import dev.fgbg.core.sampling.Selection;
import dev.fgbg.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Export throughput of the built-in dataset (image JPEG + mask PNG + 16-bit depth PNG, or the
 * format's equivalent) on all cores, into a temporary folder that is removed afterwards; with
 * {@code --sample}, also a seeded random subset of the same size drawn from the whole dataset,
 * in the same run, and the ratio of the two.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export throughput (built-in, 224x224, image+mask+depth) on all cores.")
final class ExportBench implements Callable<Integer> {
  @Option(names = "--format", description = "folders | zip | webdataset | npy | coco. "
      + "Default: folders.")
  String format = "folders";

  @Option(names = "--limit", description = "Samples to export. Default: 20000.")
  long limit = 20_000;

  @Option(names = "--threads", description = "Default: the number of cores.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--dir", description = "Where to write (made if missing; a temporary folder "
      + "is made in it). Default: the system temporary folder.")
  Path dir;

  @Option(names = "--sample", description = "Also export a random subset of --limit samples "
      + "of the whole dataset (seed 0) after the range, and print the ratio.")
  boolean sample;

  @Option(names = "--repeat", description = "With --sample: alternate range and subset this "
      + "many times (each removed once measured) and compare the medians. Default: 1.")
  int repeat = 1;

  @Override
  public Integer call() throws Exception {
    ExportFormat f = ExportFormat.valueOf(format.toUpperCase(Locale.ROOT));
    Dataset d = new Dataset("builtin", BuiltinWorld.create(224, 224), Spec.builder().build());
    Path root = dir == null ? Files.createTempDirectory("fgbg-bench-export")
        : Files.createTempDirectory(Files.createDirectories(dir), "fgbg-bench-export");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Exporter exporter = new Exporter(new ExportRoot(root), pool, 4 * threads,
          Ticker.systemTicker());
      // Warm-up: JIT and the resampled-foreground cache, on a range the run does not use.
      exporter.run(job(d, f, Selection.range(d.size(), d.name(), d.size() - 4000, d.size()),
          "warmup"), p -> { }, () -> false);
      long n = Math.min(limit, d.size());
      Selection first = Selection.range(d.size(), d.name(), 0, n);
      Selection drawn = Selection.of(d.size(), d.name(), 0, d.size(), 1, n, 0);
      int runs = sample ? Math.max(1, repeat) : 1;
      double[] range = new double[runs];
      double[] random = new double[runs];
      for (int r = 0; r < runs; r++) {
        range[r] = timed(exporter, root, job(d, f, first, "range-" + r), "range " + first);
        if (sample) {
          random[r] = timed(exporter, root, job(d, f, drawn, "sample-" + r), "random subset "
              + drawn);
        }
      }
      System.out.printf(Locale.ROOT, "samples/s: %.0f%n", n / median(range));
      if (sample) {
        System.out.printf(Locale.ROOT, "random subset samples/s: %.0f%n", n / median(random));
        System.out.printf(Locale.ROOT, "subset/range time (medians of %d): %.2f%n", runs,
            median(random) / median(range));
      }
    } finally {
      pool.shutdownNow();
      delete(root);
    }
    return 0;
  }

  /** Runs {@code job}; returns its seconds, with a line on stderr; removes what it wrote. */
  private double timed(Exporter exporter, Path root, ExportJob job, String what)
      throws Exception {
    long t0 = System.nanoTime();
    exporter.run(job, p -> { }, () -> false);
    double secs = (System.nanoTime() - t0) / 1e9;
    long bytes;
    try (Stream<Path> s = Files.walk(root.resolve(job.destination()))) {
      bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    System.err.printf(Locale.ROOT, "format %s, %s: %d samples in %.2f s, %.1f MB written, %d "
        + "threads%n", job.format().id(), what, job.size(), secs, bytes / 1e6, threads);
    delete(root.resolve(job.destination()));
    return secs;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static void delete(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static ExportJob job(Dataset d, ExportFormat f, Selection s, String dest) {
    return new ExportJob(d, 0, s, Outputs.all(d), f, dest, false,
        ExportJob.DEFAULT_SHARD_SIZE, ExportJob.DEFAULT_JPEG_QUALITY, false);
  }
}
