package dev.fgbg.client.cli;

import picocli.CommandLine.Option;

/** Options every sample-reading verb shares: which dataset, under which placement seed. */
final class DatasetChoice {
  @Option(names = "--dataset", description = "Dataset name. Default: builtin.")
  String dataset = "builtin";

  @Option(names = "--seed", description = "Placement seed. Default: 0.")
  long seed;
}
