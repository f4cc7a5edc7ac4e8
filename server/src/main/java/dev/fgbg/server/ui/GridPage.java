package dev.fgbg.server.ui;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.load.Admission;
import dev.fgbg.core.load.NamedLimit;
import dev.fgbg.core.load.Share;
import java.util.ArrayList;
import java.util.List;

/**
 * The Grid page's data, {@code /api/grid}: one page of a selection ({@link GridQuery}), each
 * sample with its factors and labels. The page's samples are rendered here in one call into
 * the sample cache before the answer goes, so the thumbnails the page then asks for are only
 * encoded. The request holds only the samples' meta, and at most {@link #AT_ONCE} pages render
 * at once with {@link #QUEUED} more waiting (each holding a UI thread, so the rest stay free for
 * images and pages); any more are a 503 at once: a flood of large pages can neither fill the
 * heap nor take every UI thread. One client (a token's name, else its address) holds at most
 * half of the places, so that one client's flood leaves room for the others.
 */
final class GridPage {
  static final int AT_ONCE = 3;
  static final int QUEUED = 6;

  /**
   * One thumbnail.
   *
   * @param position where the sample is in the selection (from 0)
   * @param fgLabels every object's label, in instance order (a scene's; else fgLabel alone)
   * @param batch the batch of the rank's epoch it arrives in ({@code order=epoch}), else null
   */
  record Tile(long position, long index, int bg, int fg, boolean flip, int k, String bgLabel,
      String fgLabel, List<String> fgLabels, Long batch, String href) {}

  /**
   * The page; {@code depthRamp} is the depth pictures' colours (with depth), for the grid's one
   * legend: each thumbnail spans its own near to far, so the legend has no distances.
   */
  record View(String dataset, String fingerprint, String seed, String order, long total,
      long page, long pages, int perPage, long firstPosition, boolean hasDepth,
      String imageQuery, List<Tile> samples, List<String> depthRamp) {}

  private final DatasetRegistry registry;
  private final SampleCache cache;

  // A page renders in a moment, so one client may render all AT_ONCE: no share of those.
  private final Admission admission = Admission.of("web UI grid pages",
      new NamedLimit("grid pages rendered at once", AT_ONCE),
      new NamedLimit("grid pages queued", QUEUED),
      new Share(new NamedLimit("half of the grid pages rendered and queued",
          (AT_ONCE + QUEUED) / 2), new NamedLimit("grid pages rendered at once", AT_ONCE)));

  GridPage(DatasetRegistry registry, SampleCache cache) {
    this.registry = registry;
    this.cache = cache;
  }

  /** Grid pages rendering and waiting (the Live page shows them). */
  Admission admission() {
    return admission;
  }

  Reply api(Request r) {
    GridQuery g = GridQuery.parse(r.query(), registry);
    Dataset d = g.dataset;
    long[] indices = g.indices();
    SampleInfo[] infos;
    try (Admission.Permit permit = admission.admit(r.client()).join()) {
      infos = cache.infos(d, g.seed, indices, g.depth).join();
    }
    List<Tile> tiles = new ArrayList<>();
    List<String> bgLabels = d.assets().backgroundLabels();
    List<String> fgLabels = d.assets().foregroundLabels();
    for (int s = 0; s < indices.length; s++) {
      SampleInfo info = infos[s];
      long position = g.firstPosition() + s;
      tiles.add(new Tile(position, indices[s], info.bg(), info.fg(), info.flip(), info.k(),
          bgLabels.get(info.bgLabel()), fgLabels.get(info.fgLabel()),
          SceneInstances.labels(d, info),
          g.plan == null ? null : g.plan.batchOf(g.plan.firstLocal() + position),
          Links.sample(d, g.seed, indices[s])));
    }
    return Reply.json(new View(d.name(), d.fingerprint(), Params.shown(g.seed), g.order,
        g.sequence.size(), g.page, g.pages(), g.perPage, g.firstPosition(), d.hasDepth(),
        Links.imageQuery(d, g.seed), tiles, d.hasDepth() ? SamplePage.ramp() : null));
  }
}
