package dev.fgbg.client.cli;

import picocli.CommandLine.Option;

/**
 * Which samples export, stats and gallery cover: a range, a stride, a seeded random subset
 * (drawn from --seed). Unset values are 0, which the server reads as its defaults.
 */
final class SelectionFlags {
  @Option(names = "--range", description = "A:B (B exclusive). Default: the whole dataset.")
  String range;

  @Option(names = "--stride", description = "Every K-th index of the range (A, A+K, ...). "
      + "Default: 1.")
  long stride;

  @Option(names = "--sample", description = "A uniform random subset of N samples of the "
      + "(strided) range, drawn from --seed, visited in index order. Default: all of them.")
  long sample;

  /** {start, end} of --range, {0, 0} (the whole dataset) when not given. */
  long[] range() {
    return range == null ? new long[] {0, 0} : Args.range(range);
  }
}
