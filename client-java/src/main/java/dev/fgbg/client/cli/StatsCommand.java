package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import dev.fgbg.client.ProgressIterator;
import dev.fgbg.v1.ChannelStats;
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
    description = "Exact per-channel mean and std of image, mask and depth over a range (or a "
        + "stride, or a seeded random subset: then each mean \u00b1 its standard error); "
        + "progress and ETA on stderr.")
final class StatsCommand implements Callable<Integer>, SoFar.Tallied {
  @Mixin
  Connection connection;

  @Mixin
  DatasetChoice which;

  @Mixin
  SelectionFlags selection;

  @Option(names = "--outputs", split = ",", description = "Any of image,mask,depth,background,"
      + "background_depth: compute only "
      + "these (image stats need no depth model). Default: everything the dataset has.")
  List<String> outputs;

  /** Samples counted so far, for the words of a call that ends mid-way, and the progress. */
  private final Tally tally = new Tally("samples counted");

  @Override
  public Integer call() {
    StatsRequest.Builder r = StatsRequest.newBuilder().setSeed(which.seed);
    long[] ab = selection.range();
    r.setStart(ab[0]).setEnd(ab[1]).setStride(selection.stride()).setSample(selection.sample());
    if (outputs != null) {
      if (outputs.stream().anyMatch(o -> o.trim().equalsIgnoreCase("meta"))) {
        throw new IllegalArgumentException("--outputs: stats cover image, mask, depth, "
            + "background and background_depth; meta has none");
      }
      r.addAllOutputs(Args.outputs(outputs, false));
    }
    ProgressPrinter progress = tally.progress();
    StatsResponse s = null;
    try (FgbgClient c = connection.client();
         ProgressIterator<StatsProgress> it = c.statsWithProgress(
             r.setDataset(which.name(c)).build())) {
      boolean first = true;
      while (it.hasNext()) {
        StatsProgress p = it.next();
        tally.received(p.getDone());
        // An answer from the server's cache is one last message, its rate 0: no pass was made.
        boolean cached = first && p.getFinished() && p.getSamplesPerSecond() == 0;
        first = false;
        progress.update(p.getDone(), p.getTotal(), cached ? Double.NaN : p.getSamplesPerSecond(),
            p.getEtaSeconds(), cached ? "from the server's cache" : "", p.getFinished());
        s = p.getFinished() ? p.getResult() : s;
      }
    } finally {
      progress.end();
    }
    if (s == null) {
      throw new IllegalStateException("stats ended without a result");
    }
    boolean random = s.getPopulation() > 0;
    System.out.println("samples: " + s.getSamples() + (random ? " of " + s.getPopulation()
        + ", drawn at random (mean \u00b1 its standard error)" : ""));
    if (s.hasImage()) {
      System.out.println("image mean: " + list(s.getImage().getMeanList())
          + (random ? " \u00b1 " + list(s.getImage().getStandardErrorList()) : ""));
      System.out.println("image std:  " + list(s.getImage().getStdList()));
      System.out.println("transforms.Normalize(mean=" + list(s.getImage().getMeanList())
          + ", std=" + list(s.getImage().getStdList()) + ")");
    }
    if (s.hasMask()) {
      System.out.println(String.format(Locale.ROOT, "mask mean: %s  std: %.6f  (on [0,1])",
          mean(s.getMask(), random), s.getMask().getStd(0)));
    }
    if (s.hasDepth()) {
      System.out.println(String.format(Locale.ROOT, "depth mean: %s  std: %.6f  (metres)",
          mean(s.getDepth(), random), s.getDepth().getStd(0)));
    }
    if (s.hasBackground()) {
      System.out.println("background mean: " + list(s.getBackground().getMeanList())
          + (random ? " \u00b1 " + list(s.getBackground().getStandardErrorList()) : ""));
      System.out.println("background std:  " + list(s.getBackground().getStdList()));
    }
    if (s.hasBackgroundDepth()) {
      System.out.println(String.format(Locale.ROOT, "background depth mean: %s  std: %.6f  "
          + "(metres)", mean(s.getBackgroundDepth(), random), s.getBackgroundDepth().getStd(0)));
    }
    System.out.println("fingerprint: " + s.getFingerprint());
    return 0;
  }

  @Override
  public Tally tally() {
    return tally;
  }

  private static String mean(ChannelStats c, boolean random) {
    List<Double> se = c.getStandardErrorList(); // NaN for one sample; none from old servers
    return String.format(Locale.ROOT, "%.6f", c.getMean(0)) + (!random ? "" : " \u00b1 "
        + (se.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.6f", se.get(0))));
  }

  private static String list(List<Double> v) {
    return v.stream().map(d -> String.format(Locale.ROOT, "%.6f", d))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
