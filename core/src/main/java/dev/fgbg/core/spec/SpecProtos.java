package dev.fgbg.core.spec;

import dev.fgbg.v1.DatasetSpec;
import dev.fgbg.v1.Position;

/** The one mapping of a {@link Spec} to its wire and manifest form. */
public final class SpecProtos {
  private SpecProtos() {}

  public static DatasetSpec toProto(Spec s) {
    DatasetSpec.Builder b = DatasetSpec.newBuilder()
        .setHeight(s.height())
        .setWidth(s.width())
        .setFgScaleMin(s.fgScaleMin())
        .setFgScaleMax(s.fgScaleMax())
        .setPlacements(s.placements())
        .setFlip(s.flip())
        .setPosition(switch (s.position()) {
          case RANDOM -> Position.POSITION_RANDOM;
          case FIXED -> Position.POSITION_FIXED;
          case GROUND -> Position.POSITION_GROUND;
        })
        .setMaskThreshold(s.maskThreshold())
        .setSoftMask(s.softMask());
    // Only the ground position reads the band; other specs' messages stay as they were.
    if (s.position() == Spec.Position.GROUND) {
      b.setGroundMin(s.groundMin()).setGroundMax(s.groundMax());
    }
    return b.build();
  }
}
