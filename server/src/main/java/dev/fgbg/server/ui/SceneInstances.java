package dev.fgbg.server.ui;

import dev.fgbg.common.InstanceColors;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.InstanceInfo;
import dev.fgbg.core.dataset.SampleInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A scene's labelled objects as the pages show them: each with its instance id (position + 1,
 * as in instances.png), that id's colour in every fgbg picture of instances, its cut-out and
 * label name, bbox, visible fraction and depth. Empty for a classic composite.
 */
final class SceneInstances {
  private SceneInstances() {}

  /** The box of an instance's visible pixels (x1, y1 exclusive), as the meta's bbox. */
  record Box(int x0, int y0, int x1, int y1) {}

  /** One object; {@code depth} null when the dataset has no depth. */
  record Instance(int id, String colour, int fg, String label, boolean flip, Box bbox,
      double visibleFraction, Float depth) {}

  static List<Instance> of(Dataset d, SampleInfo info) {
    List<String> labels = d.assets().foregroundLabels();
    List<Instance> out = new ArrayList<>();
    for (InstanceInfo i : info.instances()) {
      int id = out.size() + 1;
      out.add(new Instance(id, String.format(Locale.ROOT, "#%06x", InstanceColors.of(id)),
          i.fg(), labels.get(i.label()), i.flip(),
          new Box(i.bboxX0(), i.bboxY0(), i.bboxX1(), i.bboxY1()), i.visibleFraction(),
          d.hasDepth() ? i.depth() : null));
    }
    return out;
  }

  /** Every object's label name in instance order; the sample's own one for a classic one. */
  static List<String> labels(Dataset d, SampleInfo info) {
    List<String> labels = d.assets().foregroundLabels();
    if (info.instances().isEmpty()) {
      return List.of(labels.get(info.fgLabel()));
    }
    return info.instances().stream().map(i -> labels.get(i.label())).toList();
  }
}
