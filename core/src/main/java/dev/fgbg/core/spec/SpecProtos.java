package dev.fgbg.core.spec;

import dev.fgbg.v1.DatasetSpec;
import dev.fgbg.v1.Position;

/** The one mapping of a {@link Spec} to its wire and manifest form. */
public final class SpecProtos {
  private SpecProtos() {}

  public static DatasetSpec toProto(Spec s) {
    return DatasetSpec.newBuilder()
        .setHeight(s.height())
        .setWidth(s.width())
        .setFgScaleMin(s.fgScaleMin())
        .setFgScaleMax(s.fgScaleMax())
        .setPlacements(s.placements())
        .setFlip(s.flip())
        .setPosition(s.position() == Spec.Position.FIXED ? Position.POSITION_FIXED
            : Position.POSITION_RANDOM)
        .setMaskThreshold(s.maskThreshold())
        .setSoftMask(s.softMask())
        .build();
  }
}
