package dev.fgbg.server.rpc;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.stats.BackgroundStats;
import dev.fgbg.core.stats.Stats;
import dev.fgbg.v1.ChannelStats;
import dev.fgbg.v1.StatsResponse;
import java.util.Arrays;

/** Statistics as the Stats and StatsWithProgress calls answer them. */
final class StatsMapping {
  private StatsMapping() {}

  /**
   * The statistics of the outputs that were computed (the others are absent), with standard
   * errors and the population over a random subset.
   */
  static StatsResponse stats(Dataset d, Stats s, Outputs outputs, BackgroundStats bg) {
    StatsResponse.Builder b = StatsResponse.newBuilder().setSamples(s.samples())
        .setFingerprint(d.fingerprint()).setPopulation(s.population());
    boolean random = s.population() > 0;
    if (outputs.image()) {
      b.setImage(channel("[0,1]", s.imageMean(), s.imageStd(), random ? s.imageSe() : null));
    }
    if (outputs.mask()) {
      b.setMask(channel("[0,1]", new double[] {s.maskMean()}, new double[] {s.maskStd()},
          random ? new double[] {s.maskSe()} : null));
    }
    if (outputs.depth()) {
      b.setDepth(channel("metres", new double[] {s.depthMean()}, new double[] {s.depthStd()},
          random ? new double[] {s.depthSe()} : null));
    }
    if (bg != null && bg.mean() != null) {
      b.setBackground(channel("[0,1]", bg.mean(), bg.std(), bg.se()));
    }
    if (bg != null && bg.depthMean() != null) {
      b.setBackgroundDepth(channel("metres", bg.depthMean(), bg.depthStd(), bg.depthSe()));
    }
    return b.build();
  }

  private static ChannelStats channel(String unit, double[] mean, double[] std, double[] se) {
    ChannelStats.Builder c = ChannelStats.newBuilder().setUnit(unit)
        .addAllMean(Arrays.stream(mean).boxed().toList())
        .addAllStd(Arrays.stream(std).boxed().toList());
    if (se != null) {
      c.addAllStandardError(Arrays.stream(se).boxed().toList());
    }
    return c.build();
  }
}
