package dev.fgbg.server.ui;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fgbg.common.DepthColors;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.dataset.SampleInfo;
import dev.fgbg.core.dataset.SampleProtos;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.synth.IndexCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Sample page's data, {@code /api/sample}: the sample's meta (the SampleMeta GetSamples
 * sends), its index decoded into factors by the index formula, its neighbours in the index space,
 * its files ({@link SampleOutputs}) and, with depth, the colour bar of the depth picture in the
 * dataset's units, and a scene's objects ({@link SceneInstances}).
 */
final class SamplePage {
  static final Set<String> PARAMS = Set.of("dataset", "seed", "index");

  /** A factor of the index: its value, how many values it has, and what the value is. */
  record Factor(String name, int value, int count, String asset, String label) {}

  record Link(String title, String href) {}

  /** A file of the sample: where it is, and whether the page shows it as a picture. */
  record File(String file, String title, String about, boolean shown, String url,
      String download) {}

  /** The depth picture's scale: log from near to far, with labelled ticks and the ramp. */
  record DepthScale(String units, double near, double far, List<double[]> ticks,
      List<String> ramp) {}

  record View(String dataset, String fingerprint, String seed, long index, long size,
      String formula, List<Factor> factors, JsonElement meta, List<Link> neighbours,
      List<File> files, DepthScale depth, List<SceneInstances.Instance> instances) {}

  private final DatasetRegistry registry;
  private final SampleCache cache;

  SamplePage(DatasetRegistry registry, SampleCache cache) {
    this.registry = registry;
    this.cache = cache;
  }

  /** The page's parameters, checked (the page route and the API alike). */
  static Dataset check(Query q, DatasetRegistry registry) {
    q.allow(PARAMS);
    Dataset d = Params.dataset(q, registry);
    Params.seed(q);
    Params.index(q, d);
    return d;
  }

  /** The page's parameters checked, and its title: "Sample 7 · builtin". */
  static String title(Query q, DatasetRegistry registry) {
    Dataset d = check(q, registry);
    return "Sample " + Params.index(q, d) + " · " + d.name();
  }

  Reply api(Request r) {
    Query q = r.query();
    Dataset d = check(q, registry);
    long seed = Params.seed(q);
    long index = Params.index(q, d);
    RenderedBatch one = cache.get(d, seed, index, true).join();
    SampleInfo info = one.infos()[0];
    IndexCodec c = d.codec();
    List<String> bgLabels = d.assets().backgroundLabels();
    List<String> fgLabels = d.assets().foregroundLabels();
    List<Factor> factors = List.of(
        new Factor("bg", info.bg(), c.backgrounds(), d.assets().backgrounds().get(info.bg())
            .name(), bgLabels.get(info.bgLabel())),
        new Factor("fg", info.fg(), c.foregrounds(), d.assets().foregrounds().get(info.fg())
            .name(), fgLabels.get(info.fgLabel())),
        new Factor("flip", info.flip() ? 1 : 0, c.flips(), info.flip() ? "mirrored" : "as drawn",
            ""),
        new Factor("k", info.k(), c.placements(), "placement " + info.k(), ""));
    List<File> files = new ArrayList<>();
    for (SampleOutputs.Output o : SampleOutputs.of(d)) {
      files.add(new File(o.file(), o.title(), o.about(), o.shown(),
          Links.image(o, d, seed, index), Images.fileName(d, index, o)));
    }
    return Reply.json(new View(d.name(), d.fingerprint(), Params.shown(seed), index, d.size(),
        IndexCodec.FORMULA, factors, shownMeta(d, info), neighbours(d, seed, info), files,
        d.hasDepth() ? scale(d, one) : null, SceneInstances.of(d, info)));
  }

  /**
   * The meta GetSamples sends, less fg_depth when the dataset has no depth: there it is the
   * wire's and the files' placeholder 0 (every field present, the same labels.csv columns for
   * every dataset), which a table for people would show as a depth of 0.
   */
  private static JsonElement shownMeta(Dataset d, SampleInfo info) {
    JsonElement meta = Json.of(SampleProtos.meta(info));
    if (!d.hasDepth()) {
      JsonObject m = meta.getAsJsonObject();
      m.remove("fg_depth");
      JsonElement scene = m.get("scene");
      if (scene != null && scene.isJsonObject() && scene.getAsJsonObject().has("instances")) {
        for (JsonElement instance : scene.getAsJsonObject().getAsJsonArray("instances")) {
          instance.getAsJsonObject().remove("fg_depth");
        }
      }
    }
    return meta;
  }

  private static List<Link> neighbours(Dataset d, long seed, SampleInfo s) {
    IndexCodec c = d.codec();
    int flip = s.flip() ? 1 : 0;
    List<Link> out = new ArrayList<>();
    if (c.flips() == 2) {
      // Another sample: a flip has placements of its own, so this is not this one mirrored.
      out.add(new Link("flipped (own placement)", Links.sample(d, seed,
          c.encode(s.bg(), s.fg(), 1 - flip, s.k()))));
    }
    out.add(new Link("next placement", Links.sample(d, seed,
        c.encode(s.bg(), s.fg(), flip, (s.k() + 1) % c.placements()))));
    out.add(new Link("same background, next cut-out", Links.sample(d, seed,
        c.encode(s.bg(), (s.fg() + 1) % c.foregrounds(), flip, s.k()))));
    out.add(new Link("same cut-out, next background", Links.sample(d, seed,
        c.encode((s.bg() + 1) % c.backgrounds(), s.fg(), flip, s.k()))));
    out.add(new Link("every sample of this background", Links.grid(d, seed, "bg", s.bg())));
    out.add(new Link("every sample of this cut-out", Links.grid(d, seed, "fg", s.fg())));
    if (s.index() > 0) {
      out.add(new Link("previous index", Links.sample(d, seed, s.index() - 1)));
    }
    if (s.index() + 1 < d.size()) {
      out.add(new Link("next index", Links.sample(d, seed, s.index() + 1)));
    }
    return out;
  }

  private static DepthScale scale(Dataset d, RenderedBatch one) {
    float[] range = DepthColors.range(SampleOutputs.depth(one));
    if (range == null) {
      return new DepthScale(d.depthUnits(), 0, 0, List.of(), List.of());
    }
    List<double[]> ticks = new ArrayList<>();
    for (int t = 0; t <= 4; t++) {
      ticks.add(new double[] {t / 4.0, DepthColors.at(t / 4.0, range[0], range[1])});
    }
    return new DepthScale(d.depthUnits(), range[0], range[1], ticks, ramp());
  }

  /** The depth pictures' colours from near (t = 0) to far, as CSS colours. */
  static List<String> ramp() {
    List<String> ramp = new ArrayList<>();
    for (int i = 0; i <= 16; i++) {
      ramp.add(String.format(Locale.ROOT, "#%06x", DepthColors.ramp(i / 16.0)));
    }
    return ramp;
  }
}
