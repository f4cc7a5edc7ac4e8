package dev.fgbg.server.ui;

import com.google.gson.JsonElement;
import dev.fgbg.core.assets.AssetSet;
import dev.fgbg.core.assets.SkippedFile;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.spec.SpecProtos;
import dev.fgbg.core.synth.IndexCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * The Datasets page's data, {@code /api/datasets}: for each dataset what describe tells (size,
 * factors, spec, labels with how many assets carry each, depth source and units, fingerprint)
 * the names of its backgrounds and cut-outs, and the bad files a forgiving load skipped (name
 * and why).
 */
final class DatasetsPage {
  /**
   * One dataset.
   *
   * @param spec its {@code DatasetSpec} in fgbg's JSON convention, enums as config files spell
   *     them (what describe prints too)
   */
  record View(String name, long size, int backgrounds, int foregrounds, int flips,
      int placements, String indexFormula, int height, int width, String fingerprint,
      String generatorVersion, boolean hasDepth, String depthSource, String depthUnits,
      JsonElement spec, List<Label> backgroundLabels, List<Label> foregroundLabels,
      List<String> backgroundNames, List<String> foregroundNames,
      List<SkippedFile> skippedFiles) {}

  /** A label: its number, its name, and how many backgrounds or cut-outs carry it. */
  record Label(int id, String name, int count) {}

  record Views(List<View> datasets) {}

  private final DatasetRegistry registry;

  DatasetsPage(DatasetRegistry registry) {
    this.registry = registry;
  }

  Reply api(Request r) {
    r.query().allow(Set.of());
    List<View> out = new ArrayList<>();
    for (Dataset d : registry.all()) {
      out.add(view(d));
    }
    return Reply.json(new Views(out));
  }

  static View view(Dataset d) {
    IndexCodec c = d.codec();
    AssetSet a = d.assets();
    return new View(d.name(), d.size(), c.backgrounds(), c.foregrounds(), c.flips(),
        c.placements(), IndexCodec.FORMULA, d.spec().height(), d.spec().width(),
        d.fingerprint(), Dataset.GENERATOR_VERSION, d.hasDepth(), d.depthSource(),
        d.depthUnits(), Json.configOf(SpecProtos.toProto(d.spec())),
        labels(a.backgroundLabels(), i -> a.backgrounds().get(i).label(), c.backgrounds()),
        labels(a.foregroundLabels(), i -> a.foregrounds().get(i).label(), c.foregrounds()),
        a.backgrounds().stream().map(b -> b.name()).toList(),
        a.foregrounds().stream().map(f -> f.name()).toList(), a.skippedFiles());
  }

  private static List<Label> labels(List<String> names, IntUnaryOperator labelOf, int assets) {
    int[] counts = new int[names.size()];
    for (int i = 0; i < assets; i++) {
      counts[labelOf.applyAsInt(i)]++;
    }
    List<Label> out = new ArrayList<>();
    for (int l = 0; l < names.size(); l++) {
      out.add(new Label(l, names.get(l), counts[l]));
    }
    return out;
  }
}
