package dev.fgbg.core.dataset;

import dev.fgbg.v1.BBox;
import dev.fgbg.v1.SampleMeta;

/** The one mapping of a {@link SampleInfo} to its wire and file form, {@code SampleMeta}. */
public final class SampleProtos {
  private SampleProtos() {}

  public static SampleMeta meta(SampleInfo s) {
    return SampleMeta.newBuilder()
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
        .setBbox(BBox.newBuilder().setX0(s.bboxX0()).setY0(s.bboxY0()).setX1(s.bboxX1())
            .setY1(s.bboxY1()))
        .setBgLabel(s.bgLabel())
        .setFgLabel(s.fgLabel())
        .setFgDepth(s.fgDepth())
        .build();
  }
}
