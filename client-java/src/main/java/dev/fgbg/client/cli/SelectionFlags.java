package dev.fgbg.client.cli;

import picocli.CommandLine.Option;

/**
 * Which samples export, stats and gallery cover: a range, a stride, a seeded random subset
 * (drawn from --seed). Unset values are 0, which the server reads as its defaults; so a
 * --sample or --stride of 0 (or less) is refused here rather than silently meaning a default.
 */
final class SelectionFlags {
  @Option(names = "--range", description = "A:B (B exclusive). Default: the whole dataset.")
  String range;

  @Option(names = "--stride", description = "Every K-th index of the range (A, A+K, ...). "
      + "Default: 1.")
  Long stride;

  @Option(names = "--sample", description = "A uniform random subset of N (at least 1) "
      + "samples of the (strided) range, drawn from --seed, visited in index order. Default (left "
      + "out): all of them.")
  Long sample;

  /** --sample as the request field: 0 (all samples) when left out. */
  long sample() {
    if (sample == null) {
      return 0;
    }
    if (sample < 1) {
      throw new IllegalArgumentException("--sample " + sample + " must be at least 1; leave it "
          + "out for all samples");
    }
    return sample;
  }

  /** --stride as the request field: 0 (every index) when left out. */
  long stride() {
    if (stride == null) {
      return 0;
    }
    if (stride < 1) {
      throw new IllegalArgumentException("--stride " + stride + " must be at least 1; leave it "
          + "out for every index");
    }
    return stride;
  }

  /** {start, end} of --range, {0, 0} (the whole dataset) when not given. */
  long[] range() {
    return range == null ? new long[] {0, 0} : Args.range(range);
  }
}
