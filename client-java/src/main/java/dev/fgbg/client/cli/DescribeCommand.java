package dev.fgbg.client.cli;

import dev.fgbg.client.FgbgClient;
import dev.fgbg.common.InWords;
import dev.fgbg.common.LabelList;
import dev.fgbg.common.ProtoJson;
import dev.fgbg.v1.DatasetInfo;
import dev.fgbg.v1.DatasetSummary;
import dev.fgbg.v1.SkippedFile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fgbg describe}: what a dataset is, or every dataset with --all. */
@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Describe a dataset: size, factors, shapes, dtypes, labels, fingerprint, "
        + "and the bad files a forgiving load skipped.")
final class DescribeCommand implements Callable<Integer> {
  @Mixin
  Connection connection;

  @Option(names = "--dataset", description = "Dataset name. Default: builtin.")
  String dataset;

  @Option(names = "--json", description = "Print the full DatasetInfo as JSON.")
  boolean json;

  @Option(names = "--list", description = "List every dataset the server has.")
  boolean list;

  @Override
  public Integer call() throws Exception {
    try (FgbgClient c = connection.client()) {
      if (list) {
        for (DatasetSummary s : c.listDatasets()) {
          System.out.printf("%s\t%d\t%s%n", s.getName(), s.getSize(), s.getFingerprint());
        }
        return 0;
      }
      DatasetInfo d = c.describe(DatasetChoice.chosen(dataset, c, false));
      if (json) {
        System.out.println(ProtoJson.print(d));
        return 0;
      }
      System.out.printf("dataset:      %s%n", d.getName());
      System.out.printf("size:         %,d = %d bg x %d fg x %s x %s%n", d.getSize(),
          d.getBackgrounds(), d.getForegrounds(), InWords.count(d.getFlips(), "flip"),
          InWords.count(d.getPlacements(), "placement"));
      System.out.printf("index:        %s%n", d.getIndexFormula());
      System.out.printf("image:        %s uint8 (HWC)%n", d.getImageShape().getDimsList());
      System.out.printf("mask:         %s uint8%s%n", d.getMaskShape().getDimsList(),
          d.getSpec().getSoftMask() ? " (soft alpha)" : " (0 or 255)");
      if (d.getHasDepth()) {
        System.out.printf("depth:        %s %s little-endian, %s (%s)%n",
            d.getDepthShape().getDimsList(),
            ProtoJson.configSpelling(d.getDepthDtype().getValueDescriptor()),
            d.getDepthUnits(), d.getDepthSource());
      } else {
        System.out.printf("depth:        none%s%n", d.getDepthSource().isEmpty()
            || d.getDepthSource().equals("none") ? "" : " (" + d.getDepthSource() + ")");
      }
      // Quoted where a name holds a comma: one label must not read as two.
      System.out.printf("bg labels:    [%s]%n", LabelList.of(d.getBackgroundLabelsList()));
      System.out.printf("fg labels:    [%s]%n", LabelList.of(d.getForegroundLabelsList()));
      // Enums as config files and the web UI spell them: position ground, not POSITION_GROUND.
      System.out.printf("spec:         %s%n", ProtoJson.configLine(d.getSpec()));
      System.out.printf("limits:       GetSamples <= %d indices, batch_size <= %d%n",
          d.getMaxGetSamples(), d.getMaxBatchSize());
      System.out.printf("generator:    %s%n", d.getGeneratorVersion());
      System.out.printf("fingerprint:  %s%n", d.getFingerprint());
      skipped(d);
      return 0;
    }
  }

  /** The bad files the server's forgiving load left out, one a line (--json has them too). */
  private static void skipped(DatasetInfo d) {
    if (d.getSkippedFilesCount() == 0) {
      return;
    }
    System.out.printf("skipped:      %d bad file(s), not served (not in the fingerprint):%n",
        d.getSkippedFilesCount());
    for (SkippedFile f : d.getSkippedFilesList()) {
      System.out.printf("  %s: %s%n", f.getName(), f.getReason());
    }
  }
}
