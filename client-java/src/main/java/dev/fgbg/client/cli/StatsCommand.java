package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import dev.fgbg.client.ProgressIterator;
import dev.fgbg.v1.StatsProgress;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fgbg stats}: exact mean and std, printed ready for transforms.Normalize. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Exact per-channel mean and std of image, mask and depth over a range; "
        + "progress and ETA on stderr.")
final class StatsCommand implements Callable<Integer> {
  @Mixin
  Connection connection;

  @Mixin
  DatasetChoice which;

  @Option(names = "--range", description = "A:B (B exclusive). Default: the whole dataset.")
  String range;

  @Option(names = "--outputs", split = ",", description = "Any of image,mask,depth: compute only "
      + "these (image stats need no depth model). Default: everything the dataset has.")
  List<String> outputs;

  @Override
  public Integer call() {
    StatsRequest.Builder r = StatsRequest.newBuilder().setDataset(which.dataset).setSeed(which.seed);
    if (range != null) {
      long[] ab = Args.range(range);
      r.setStart(ab[0]).setEnd(ab[1]);
    }
    if (outputs != null) {
      if (outputs.stream().anyMatch(o -> o.trim().equalsIgnoreCase("meta"))) {
        throw new IllegalArgumentException("--outputs: stats cover image, mask and depth; "
            + "meta has none");
      }
      r.addAllOutputs(Args.outputs(outputs, false));
    }
    ProgressPrinter progress = ProgressPrinter.stderr();
    StatsResponse s = null;
    try (FgbgClient c = connection.client();
         ProgressIterator<StatsProgress> it = c.statsWithProgress(r.build())) {
      while (it.hasNext()) {
        StatsProgress p = it.next();
        progress.update(p.getDone(), p.getTotal(), p.getSamplesPerSecond(), p.getEtaSeconds(),
            "", p.getFinished());
        s = p.getFinished() ? p.getResult() : s;
      }
    } finally {
      progress.end();
    }
    if (s == null) {
      throw new IllegalStateException("stats ended without a result");
    }
    System.out.println("samples: " + s.getSamples());
    if (s.hasImage()) {
      System.out.println("image mean: " + list(s.getImage().getMeanList()));
      System.out.println("image std:  " + list(s.getImage().getStdList()));
      System.out.println("transforms.Normalize(mean=" + list(s.getImage().getMeanList())
          + ", std=" + list(s.getImage().getStdList()) + ")");
    }
    if (s.hasMask()) {
      System.out.println(String.format(Locale.ROOT, "mask mean: %.6f  std: %.6f  (on [0,1])",
          s.getMask().getMean(0), s.getMask().getStd(0)));
    }
    if (s.hasDepth()) {
      System.out.println(String.format(Locale.ROOT, "depth mean: %.6f  std: %.6f  (metres)",
          s.getDepth().getMean(0), s.getDepth().getStd(0)));
    }
    System.out.println("fingerprint: " + s.getFingerprint());
    return 0;
  }

  private static String list(List<Double> v) {
    return v.stream().map(d -> String.format(Locale.ROOT, "%.6f", d))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
