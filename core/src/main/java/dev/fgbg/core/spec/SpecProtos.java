package dev.fgbg.core.spec;

import dev.fgbg.v1.Blend;
import dev.fgbg.v1.DatasetSpec;
import dev.fgbg.v1.Position;
import dev.fgbg.v1.SceneOptions;

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
          case DEPTH -> Position.POSITION_DEPTH;
        })
        .setMaskThreshold(s.maskThreshold())
        .setSoftMask(s.softMask());
    // Only the ground position reads the band, and only scenes the scene; other specs'
    // messages stay as they were.
    if (s.position() == Spec.Position.GROUND) {
      b.setGroundMin(s.groundMin()).setGroundMax(s.groundMax());
    }
    if (s.isScene()) {
      SceneSpec c = s.scene();
      SceneOptions.Builder o = SceneOptions.newBuilder()
          .setObjectsMin(c.objectsMin()).setObjectsMax(c.objectsMax())
          .setDistractorsMin(c.distractorsMin()).setDistractorsMax(c.distractorsMax())
          .setMaxOcclusion(c.maxOcclusion()).setMaxTruncation(c.maxTruncation())
          .setFeatherSigma(c.featherSigma()).setMotionLength(c.motionLength())
          .setColourMatch(c.colourMatch());
      c.blends().forEach(m -> o.addBlend(blend(m)));
      if (s.position() == Spec.Position.DEPTH) {
        o.setCameraFov(c.cameraFov()).setObjectHeight(c.objectHeight());
      }
      b.setScene(o);
    }
    return b.build();
  }

  /** A blending mode's wire form. */
  public static Blend blend(SceneSpec.Blend m) {
    return switch (m) {
      case HARD -> Blend.BLEND_HARD;
      case GAUSSIAN -> Blend.BLEND_GAUSSIAN;
      case POISSON -> Blend.BLEND_POISSON;
      case MOTION -> Blend.BLEND_MOTION;
    };
  }
}
