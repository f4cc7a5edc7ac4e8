package dev.fgbg.server.flags;

import dev.fgbg.core.export.ExportLimits;
import picocli.CommandLine.Option;

/** How much exports may write: per export and under the whole export root. */
public final class ExportFlags {
  @Option(names = "--export-quota-gb", description = "The most one export may write, in GB "
      + "(decimal), by its estimated size; 0: no limit. Default: 200.")
  double quotaGb = 200;

  @Option(names = "--export-total-gb", description = "The most all exports under the export root "
      + "may hold together, in GB; 0: no limit. Default: 1000.")
  double totalGb = 1000;

  ExportLimits limits() {
    return ExportLimits.ofGigabytes(quotaGb, totalGb);
  }
}
