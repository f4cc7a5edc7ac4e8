package dev.fgbg.core.dataset;

import dev.fgbg.core.spec.SpecProtos;
import dev.fgbg.v1.BBox;
import dev.fgbg.v1.InstanceMeta;
import dev.fgbg.v1.SampleMeta;
import dev.fgbg.v1.SceneMeta;

/** The one mapping of a {@link SampleInfo} to its wire and file form, {@code SampleMeta}. */
public final class SampleProtos {
  private SampleProtos() {}

  public static SampleMeta meta(SampleInfo s) {
    SampleMeta.Builder b = SampleMeta.newBuilder()
        .setIndex(s.index())
        .setBg(s.bg())
        .setFg(s.fg())
        .setFlip(s.flip())
        .setK(s.k())
        .setX(s.x())
        .setY(s.y())
        .setFgWidth(s.fgWidth())
        .setFgHeight(s.fgHeight())
        .setScale(s.scale())
        .setBbox(box(s.bboxX0(), s.bboxY0(), s.bboxX1(), s.bboxY1()))
        .setBgLabel(s.bgLabel())
        .setFgLabel(s.fgLabel())
        .setFgDepth(s.fgDepth());
    // A classic composite's message stays as it was before scenes.
    if (s.blend() != null) {
      SceneMeta.Builder scene = SceneMeta.newBuilder().setBlend(SpecProtos.blend(s.blend()))
          .setDistractors(s.distractors());
      for (InstanceInfo i : s.instances()) {
        scene.addInstances(InstanceMeta.newBuilder()
            .setFg(i.fg())
            .setFlip(i.flip())
            .setX(i.x())
            .setY(i.y())
            .setFgWidth(i.width())
            .setFgHeight(i.height())
            .setScale(i.scale())
            .setBbox(box(i.bboxX0(), i.bboxY0(), i.bboxX1(), i.bboxY1()))
            .setVisibleFraction(i.visibleFraction())
            .setFgLabel(i.label())
            .setFgDepth(i.depth()));
      }
      b.setScene(scene);
    }
    return b.build();
  }

  private static BBox.Builder box(int x0, int y0, int x1, int y1) {
    return BBox.newBuilder().setX0(x0).setY0(y0).setX1(x1).setY1(y1);
  }
}
