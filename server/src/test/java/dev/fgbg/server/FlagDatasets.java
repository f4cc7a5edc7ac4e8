package dev.fgbg.server;

import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.depth.DepthRuntimes;
import dev.fgbg.server.options.ServerOptions;
import java.util.List;

/** The datasets {@code fgbg serve args} would serve, built as the application builds them. */
final class FlagDatasets {
  private FlagDatasets() {}

  static List<Dataset> of(String... args) {
    ServerOptions o = Main.options(args);
    try (DepthRuntimes depth = new DepthRuntimes(o.depth(), o.ticker())) {
      return DatasetCatalog.build(o.builtin(), o.datasets(), depth);
    }
  }
}
