package dev.fgbg.core.spec;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a composite holds beyond one hard-pasted cut-out: more labelled objects and unlabelled
 * distractors, the caps on how much of a labelled one may be hidden or cut by the image edge,
 * blending, colour matching, and the camera of depth-aware placement. Immutable; part of
 * {@link Spec} and of the fingerprint. {@link #CLASSIC} is today's one-object composite.
 *
 * @param objectsMin fewest labelled objects per composite, the sample's own cut-out included
 * @param objectsMax most labelled objects
 * @param distractorsMin fewest unlabelled objects
 * @param distractorsMax most unlabelled objects
 * @param maxOcclusion the largest fraction of a labelled object's in-image mask that nearer
 *     objects may hide
 * @param maxTruncation the largest fraction of a labelled object's mask that may lie outside
 *     the image (0: every object inside, as the classic spec places it)
 * @param blends the modes one is drawn from per sample (one entry: that mode for every sample)
 * @param featherSigma with {@link Blend#GAUSSIAN}: the Gaussian's sigma in pixels
 * @param motionLength with {@link Blend#MOTION}: the blur's length in pixels
 * @param colourMatch whether a cut-out takes the per-channel mean and spread of what lies under
 *     it
 * @param cameraFov with {@link Spec.Position#DEPTH}: the horizontal field of view, degrees
 * @param objectHeight with {@link Spec.Position#DEPTH}: the real height (metres) of cut-outs
 *     whose labels give none
 */
public record SceneSpec(int objectsMin, int objectsMax, int distractorsMin, int distractorsMax,
    double maxOcclusion, double maxTruncation, List<Blend> blends, double featherSigma,
    int motionLength, boolean colourMatch, double cameraFov, double objectHeight) {

  /** How a cut-out is pasted; the mask stays its geometric mask in every mode. */
  public enum Blend {
    /** Alpha blend with the cut-out's own alpha (the classic composite). */
    HARD,
    /** Alpha feathered inwards from the edge by a Gaussian. */
    GAUSSIAN,
    /** Gradient-domain: the cut-out's gradients inside, the canvas on its edge. */
    POISSON,
    /** Blurred along a direction drawn per object. */
    MOTION
  }

  /** Labelled objects and distractors per composite, each. */
  public static final int MAX_OBJECTS = 32;
  public static final double DEFAULT_MAX_OCCLUSION = 0.5;
  public static final double DEFAULT_FEATHER_SIGMA = 2.0;
  public static final int DEFAULT_MOTION_LENGTH = 9;
  public static final double DEFAULT_CAMERA_FOV = 60.0;
  public static final double DEFAULT_OBJECT_HEIGHT = 1.0;

  /** One labelled object, hard alpha, inside the image: the composite before scenes existed. */
  public static final SceneSpec CLASSIC = builder().build();

  public SceneSpec {
    check(objectsMin >= 1 && objectsMin <= MAX_OBJECTS, "objects_min", objectsMin,
        "must be in [1, " + MAX_OBJECTS + "]");
    check(objectsMax >= objectsMin && objectsMax <= MAX_OBJECTS, "objects_max", objectsMax,
        "must be in [objects_min, " + MAX_OBJECTS + "]");
    check(distractorsMin >= 0 && distractorsMin <= MAX_OBJECTS, "distractors_min",
        distractorsMin, "must be in [0, " + MAX_OBJECTS + "]");
    check(distractorsMax >= distractorsMin && distractorsMax <= MAX_OBJECTS, "distractors_max",
        distractorsMax, "must be in [distractors_min, " + MAX_OBJECTS + "]");
    check(maxOcclusion >= 0 && maxOcclusion <= 1, "max_occlusion", maxOcclusion,
        "must be in [0, 1]");
    check(maxTruncation >= 0 && maxTruncation < 1, "max_truncation", maxTruncation,
        "must be in [0, 1)");
    check(blends != null && !blends.isEmpty() && blends.stream().noneMatch(Objects::isNull),
        "blend", blends,
        "must name at least one mode");
    blends = List.copyOf(blends);
    check(blends.stream().distinct().count() == blends.size(), "blend", blends,
        "must not name a mode twice");
    check(featherSigma > 0 && featherSigma <= 32, "feather_sigma", featherSigma,
        "must be in (0, 32]");
    check(motionLength >= 2 && motionLength <= 64, "motion_length", motionLength,
        "must be in [2, 64]");
    check(cameraFov >= 10 && cameraFov <= 170, "camera_fov", cameraFov, "must be in [10, 170]");
    check(objectHeight > 0 && objectHeight <= 1000, "object_height", objectHeight,
        "must be in (0, 1000]");
  }

  static void check(boolean ok, String field, Object value, String rule) {
    if (!ok) {
      throw new SpecFieldException(field, value, rule);
    }
  }

  /**
   * Whether a composite is more than the classic one (the camera fields alone change nothing:
   * only depth placement reads them).
   */
  public boolean isScene() {
    return objectsMax > 1 || distractorsMax > 0 || maxTruncation > 0 || blends.size() > 1
        || blends.get(0) != Blend.HARD || colourMatch;
  }

  /** The text the fingerprint hashes: every field a composite reads. */
  String canonical(boolean depthPlacement) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "scene/v1 objects=%d:%d distractors=%d:%d max_occlusion=%s max_truncation=%s blend=%s "
            + "colour_match=%b", objectsMin, objectsMax, distractorsMin, distractorsMax,
        maxOcclusion, maxTruncation, blends.stream().map(b -> b.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(",")), colourMatch));
    if (blends.contains(Blend.GAUSSIAN)) {
      s.append(" feather_sigma=").append(featherSigma);
    }
    if (blends.contains(Blend.MOTION)) {
      s.append(" motion_length=").append(motionLength);
    }
    if (depthPlacement) {
      s.append(" camera_fov=").append(cameraFov).append(" object_height=").append(objectHeight);
    }
    return s.toString();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().objects(objectsMin, objectsMax).distractors(distractorsMin,
        distractorsMax).maxOcclusion(maxOcclusion).maxTruncation(maxTruncation).blends(blends)
        .featherSigma(featherSigma).motionLength(motionLength).colourMatch(colourMatch)
        .cameraFov(cameraFov).objectHeight(objectHeight);
  }

  /** Builds a {@link SceneSpec}; the defaults are {@link #CLASSIC}. */
  public static final class Builder {
    private int objectsMin = 1;
    private int objectsMax = 1;
    private int distractorsMin;
    private int distractorsMax;
    private double maxOcclusion = DEFAULT_MAX_OCCLUSION;
    private double maxTruncation;
    private List<Blend> blends = List.of(Blend.HARD);
    private double featherSigma = DEFAULT_FEATHER_SIGMA;
    private int motionLength = DEFAULT_MOTION_LENGTH;
    private boolean colourMatch;
    private double cameraFov = DEFAULT_CAMERA_FOV;
    private double objectHeight = DEFAULT_OBJECT_HEIGHT;

    private Builder() {}

    public Builder objects(int min, int max) {
      this.objectsMin = min;
      this.objectsMax = max;
      return this;
    }

    public Builder distractors(int min, int max) {
      this.distractorsMin = min;
      this.distractorsMax = max;
      return this;
    }

    public Builder maxOcclusion(double maxOcclusion) {
      this.maxOcclusion = maxOcclusion;
      return this;
    }

    public Builder maxTruncation(double maxTruncation) {
      this.maxTruncation = maxTruncation;
      return this;
    }

    public Builder blends(List<Blend> blends) {
      this.blends = blends;
      return this;
    }

    public Builder blend(Blend blend) {
      return blends(List.of(blend));
    }

    public Builder featherSigma(double featherSigma) {
      this.featherSigma = featherSigma;
      return this;
    }

    public Builder motionLength(int motionLength) {
      this.motionLength = motionLength;
      return this;
    }

    public Builder colourMatch(boolean colourMatch) {
      this.colourMatch = colourMatch;
      return this;
    }

    public Builder cameraFov(double cameraFov) {
      this.cameraFov = cameraFov;
      return this;
    }

    public Builder objectHeight(double objectHeight) {
      this.objectHeight = objectHeight;
      return this;
    }

    public SceneSpec build() {
      return new SceneSpec(objectsMin, objectsMax, distractorsMin, distractorsMax, maxOcclusion,
          maxTruncation, blends, featherSigma, motionLength, colourMatch, cameraFov,
          objectHeight);
    }
  }
}
