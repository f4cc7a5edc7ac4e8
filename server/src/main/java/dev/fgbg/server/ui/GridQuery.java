package dev.fgbg.server.ui;

import dev.fgbg.common.InWords;
import dev.fgbg.common.LabelList;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.sampling.EpochPermutation;
import dev.fgbg.core.sampling.EpochPlan;
import dev.fgbg.core.sampling.IndexSequence;
import dev.fgbg.core.synth.IndexCodec;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The grid's parameters, checked: which dataset and seed, which samples (factor and label
 * filters), in which order (index, random, stratified, or one rank's epoch), and which page.
 * The page route and {@code /api/grid} parse with this same class, so a bad URL gets the same
 * 400 from either.
 */
final class GridQuery {
  static final int DEFAULT_PER_PAGE = 60;
  static final int MAX_PER_PAGE = 240;
  static final Set<String> PARAMS = Set.of("dataset", "seed", "page", "per_page", "order",
      "shuffle_seed", "bg", "fg", "flip", "k", "bg_label", "fg_label", "epoch", "rank",
      "world_size", "batch_size", "shuffle", "drop_last", "view");
  private static final List<String> FILTERS = List.of("bg", "fg", "flip", "k", "bg_label",
      "fg_label");

  final Dataset dataset;
  final long seed;
  final String order;
  final long page;
  final int perPage;
  final IndexSequence sequence;
  /** The rank's epoch plan with {@code order=epoch}, else null. */
  final EpochPlan plan;
  /** Whether the view shows depth (else the page renders none: depth on hover comes later). */
  final boolean depth;

  private GridQuery(Dataset dataset, long seed, String order, long page, int perPage,
      IndexSequence sequence, EpochPlan plan, boolean depth) {
    this.dataset = dataset;
    this.seed = seed;
    this.order = order;
    this.page = page;
    this.perPage = perPage;
    this.sequence = sequence;
    this.plan = plan;
    this.depth = depth;
  }

  static GridQuery parse(Query q, DatasetRegistry registry) {
    q.allow(PARAMS);
    String view = q.choice("view", "outline", "overlay", "depth", "none");
    Dataset d = Params.dataset(q, registry);
    if (view.equals("depth") && !d.hasDepth()) {
      throw HttpFailure.badRequest("parameter 'view': dataset " + Quoted.of(d.name())
          + " has no depth (depth source: " + d.depthSource()
          + "); use view=outline, overlay or none");
    }
    long seed = Params.seed(q);
    int perPage = q.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE);
    String order = q.choice("order", "index", "random", "stratified", "epoch");
    long shuffleSeed = q.number("shuffle_seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
    IndexSequence s;
    EpochPlan plan = null;
    if (order.equals("epoch")) {
      for (String f : FILTERS) {
        if (q.has(f)) {
          throw HttpFailure.badRequest("parameter '" + f + "' filters samples, but order=epoch"
              + " shows a rank's whole epoch; drop the filter or pick another order");
        }
      }
      plan = plan(q, d);
      s = Selections.epoch(plan, new EpochPermutation(d.size(), seed,
          q.number("epoch", 0, 0, Long.MAX_VALUE), q.bool("shuffle", true)));
    } else {
      s = filter(q, d);
      if (order.equals("random")) {
        s = Selections.random(s, shuffleSeed);
      } else if (order.equals("stratified")) {
        s = Selections.stratified(s, perPage, shuffleSeed);
      }
    }
    long pages = Math.max(1, (s.size() + perPage - 1) / perPage);
    long page = page(q, pages, perPage);
    return new GridQuery(d, seed, order, page, perPage, s, plan, view.equals("depth"));
  }

  /**
   * {@code page} in [1, pages] (a refusal names that range); a number past the last page is
   * refused in words of its own, with the page as it was given.
   */
  private static long page(Query q, long pages, int perPage) {
    try {
      return q.number("page", 1, 1, pages);
    } catch (HttpFailure e) {
      String given = q.string("page", "").strip();
      if (!given.matches("[0-9]{1,18}") || Long.parseLong(given) <= pages) {
        throw e;
      }
      // Counts grouped as the UI shows them (6,667).
      throw HttpFailure.badRequest("parameter 'page' is " + given + ", past the last: there "
          + (pages == 1 ? "is 1 page" : String.format(Locale.ROOT, "are %,d pages", pages))
          + " of " + InWords.count(perPage, "sample"));
    }
  }

  /** The plan StreamEpoch makes for these fields; a bad one is a 400 naming its parameter. */
  private static EpochPlan plan(Query q, Dataset d) {
    try {
      return new EpochPlan(d.size(), q.integer("batch_size", 1, 1, EpochPlan.MAX_BATCH_SIZE),
          q.integer("rank", 0, 0, EpochPlan.MAX_WORLD_SIZE - 1),
          q.integer("world_size", 1, 1, EpochPlan.MAX_WORLD_SIZE), 0, 0,
          q.bool("drop_last", false), 0);
    } catch (FgbgException e) {
      throw HttpFailure.badRequest(e.getMessage());
    }
  }

  private static IndexSequence filter(Query q, Dataset d) {
    IndexCodec c = d.codec();
    int[] bgs = intersect(q.integers("bg", 0, c.backgrounds() - 1), c.backgrounds(),
        labelled(q, "bg_label", d.assets().backgroundLabels(),
            i -> d.assets().backgrounds().get(i).label(), c.backgrounds()));
    int[] fgs = intersect(q.integers("fg", 0, c.foregrounds() - 1), c.foregrounds(),
        labelled(q, "fg_label", d.assets().foregroundLabels(),
            i -> d.assets().foregrounds().get(i).label(), c.foregrounds()));
    int[] flips = all(q.integers("flip", 0, c.flips() - 1), c.flips());
    int[] ks = all(q.integers("k", 0, c.placements() - 1), c.placements());
    return Selections.filter(c, bgs, fgs, flips, ks);
  }

  /**
   * The assets whose label is one of the parameter's; null: not given. The whole value, when
   * it is a label's exact name, is that label (a folder's name may hold commas and spaces);
   * else it is a comma list of names and numbers as LabelList writes it (a name with a comma
   * quoted, as refusals and describe list it).
   */
  private static int[] labelled(Query q, String name, List<String> labels,
      IntUnaryOperator labelOf, int count) {
    if (!q.has(name)) {
      return null;
    }
    // Names meet in Unicode NFC, as a labels.csv's meet their files: a Mac may type NFD.
    List<String> nfc = labels.stream().map(GridQuery::nfc).toList();
    String whole = nfc(q.string(name, ""));
    List<String> words;
    try {
      words = nfc.contains(whole) ? List.of(whole) : LabelList.names(whole);
    } catch (IllegalArgumentException e) {
      throw HttpFailure.badRequest("parameter '" + name + "': in " + Quoted.of(whole) + ", "
          + e.getMessage() + "; the labels are " + LabelList.of(labels));
    }
    boolean[] wanted = new boolean[labels.size()];
    for (String w : words) {
      int id = nfc.indexOf(w);
      if (id < 0 && w.matches("[0-9]{1,9}") && Integer.parseInt(w) < labels.size()) {
        id = Integer.parseInt(w);
      }
      if (id < 0) {
        throw HttpFailure.badRequest("parameter '" + name + "': no label " + Quoted.of(w)
            + "; the labels are " + LabelList.of(labels));
      }
      wanted[id] = true;
    }
    return IntStream.range(0, count).filter(i -> wanted[labelOf.applyAsInt(i)]).toArray();
  }

  private static String nfc(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFC);
  }

  private static int[] all(int[] given, int count) {
    return given.length > 0 ? given : IntStream.range(0, count).toArray();
  }

  private static int[] intersect(int[] given, int count, int[] labelled) {
    int[] ids = all(given, count);
    if (labelled == null) {
      return ids;
    }
    Set<Integer> keep = IntStream.of(labelled).boxed().collect(Collectors.toSet());
    return IntStream.of(ids).filter(keep::contains).toArray();
  }

  /** The page's title: "Grid p. 3 · builtin". */
  String title() {
    return "Grid p. " + page + " · " + dataset.name();
  }

  long pages() {
    return Math.max(1, (sequence.size() + perPage - 1) / perPage);
  }

  /** The sequence positions of this page. */
  long firstPosition() {
    return (page - 1) * perPage;
  }

  long[] indices() {
    long first = firstPosition();
    int n = (int) Math.max(0, Math.min(perPage, sequence.size() - first));
    long[] out = new long[n];
    for (int s = 0; s < n; s++) {
      out[s] = sequence.indexAt(first + s);
    }
    return out;
  }
}
