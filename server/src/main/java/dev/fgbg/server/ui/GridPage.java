package dev.fgbg.server.ui;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.render.RenderedBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The Grid page's data, {@code /api/grid}: one page of a selection ({@link GridQuery}), each
 * sample with its factors and labels. The page's samples are rendered here in one call into
 * the sample cache before the answer goes, so the thumbnails the page then asks for are only
 * encoded.
 */
final class GridPage {
  /**
   * One thumbnail.
   *
   * @param position where the sample is in the selection (from 0)
   * @param batch the batch of the rank's epoch it arrives in ({@code order=epoch}), else null
   */
  record Tile(long position, long index, int bg, int fg, boolean flip, int k, String bgLabel,
      String fgLabel, Long batch, String href) {}

  record View(String dataset, String fingerprint, long seed, String order, long total,
      long page, long pages, int perPage, long firstPosition, boolean hasDepth,
      String imageQuery, List<Tile> samples) {}

  private final DatasetRegistry registry;
  private final SampleCache cache;

  GridPage(DatasetRegistry registry, SampleCache cache) {
    this.registry = registry;
    this.cache = cache;
  }

  Reply api(Request r) {
    GridQuery g = GridQuery.parse(r.query(), registry);
    Dataset d = g.dataset;
    long[] indices = g.indices();
    List<CompletableFuture<RenderedBatch>> rendered = cache.prefetch(d, g.seed, indices);
    CompletableFuture.allOf(rendered.toArray(new CompletableFuture<?>[0])).join();
    List<Tile> tiles = new ArrayList<>();
    List<String> bgLabels = d.assets().backgroundLabels();
    List<String> fgLabels = d.assets().foregroundLabels();
    for (int s = 0; s < indices.length; s++) {
      SampleInfo info = rendered.get(s).join().infos()[0];
      long position = g.firstPosition() + s;
      tiles.add(new Tile(position, indices[s], info.bg(), info.fg(), info.flip(), info.k(),
          bgLabels.get(info.bgLabel()), fgLabels.get(info.fgLabel()),
          g.plan == null ? null : g.plan.batchOf(g.plan.firstLocal() + position),
          Links.sample(d, g.seed, indices[s])));
    }
    return Reply.json(new View(d.name(), d.fingerprint(), g.seed, g.order, g.sequence.size(),
        g.page, g.pages(), g.perPage, g.firstPosition(), d.hasDepth(),
        Links.imageQuery(d, g.seed), tiles));
  }
}
