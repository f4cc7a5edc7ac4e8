package dev.fgbg.core.spec;

import java.util.Locale;

/**
 * How samples are made, independent of the assets. Immutable; part of the fingerprint.
 *
 * @param fgScaleMin smallest foreground height as a fraction of the output height
 * @param fgScaleMax largest foreground height as a fraction of the output height
 * @param placements P, the placements per (background, foreground, flip)
 * @param flip whether the horizontal flip doubles the index space
 * @param maskThreshold mask is 255 where alpha is at least this (1..255)
 * @param softMask mask is the alpha itself instead of {0, 255}
 * @param groundMin with {@link Position#GROUND}: the highest foot row, as a fraction of the
 *     output height (0 is the top row)
 * @param groundMax with {@link Position#GROUND}: the lowest foot row, as a fraction (1 is the
 *     bottom row)
 * @param scene more objects, caps, blending and the camera of {@link Position#DEPTH};
 *     {@link SceneSpec#CLASSIC} for one hard-pasted cut-out
 */
public record Spec(int height, int width, double fgScaleMin, double fgScaleMax, int placements,
    boolean flip, Position position, int maskThreshold, boolean softMask, double groundMin,
    double groundMax, SceneSpec scene) {

  /** Where a foreground goes. */
  public enum Position {
    /** A foot point drawn by the placement generator (on the floor when there is one). */
    RANDOM,
    /** Bottom-right, no shift. */
    FIXED,
    /**
     * A foot point drawn like {@link #RANDOM}, but with the foot row in the ground band
     * [{@code groundMin}, {@code groundMax}] of the height, so that things stand on the floor
     * of a photo rather than float.
     */
    GROUND,
    /**
     * A foot point on a surface the background's depth map shows as floor-like, with the
     * height that depth gives an object of its real height through a pinhole camera: near
     * objects are larger. Heights stay in the scale range (foot points are drawn where they
     * do). Needs depth of the backgrounds.
     */
    DEPTH
  }

  public static final double DEFAULT_GROUND_MIN = 0.7;
  public static final double DEFAULT_GROUND_MAX = 1.0;

  public static final int MAX_SIDE = 4096;

  public Spec {
    check(height >= 8 && height <= MAX_SIDE, "height", height, "must be in [8, " + MAX_SIDE + "]");
    check(width >= 8 && width <= MAX_SIDE, "width", width, "must be in [8, " + MAX_SIDE + "]");
    check(fgScaleMin > 0 && fgScaleMin <= 1, "fg_scale_min", fgScaleMin, "must be in (0, 1]");
    check(fgScaleMax >= fgScaleMin && fgScaleMax <= 1, "fg_scale_max", fgScaleMax,
        "must be in [fg_scale_min, 1]");
    check(placements >= 1 && placements <= 1_000_000, "placements", placements,
        "must be in [1, 1000000]");
    check(position != null, "position", position, "must be set");
    check(maskThreshold >= 1 && maskThreshold <= 255, "mask_threshold", maskThreshold,
        "must be in [1, 255]");
    check(groundMin >= 0 && groundMin <= 1, "ground_min", groundMin, "must be in [0, 1]");
    check(groundMax >= groundMin && groundMax <= 1, "ground_max", groundMax,
        "must be in [ground_min, 1]");
    check(scene != null, "scene", scene, "must be set");
  }

  /** The spec of a classic composite (one object, hard alpha, inside the image). */
  public Spec(int height, int width, double fgScaleMin, double fgScaleMax, int placements,
      boolean flip, Position position, int maskThreshold, boolean softMask, double groundMin,
      double groundMax) {
    this(height, width, fgScaleMin, fgScaleMax, placements, flip, position, maskThreshold,
        softMask, groundMin, groundMax, SceneSpec.CLASSIC);
  }

  private static void check(boolean ok, String field, Object value, String rule) {
    SceneSpec.check(ok, field, value, rule);
  }

  /**
   * Whether samples are scenes (several objects, truncation, blending, colour matching or
   * depth placement) rather than the classic composite.
   */
  public boolean isScene() {
    return scene.isScene() || position == Position.DEPTH;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().size(height, width).fgScale(fgScaleMin, fgScaleMax)
        .placements(placements).flip(flip).position(position).maskThreshold(maskThreshold)
        .softMask(softMask).ground(groundMin, groundMax).scene(scene);
  }

  public int flips() {
    return flip ? 2 : 1;
  }

  /**
   * A stable text form of every field, hashed into the fingerprint. The ground band is part of
   * it only with {@link Position#GROUND} (the only position that reads it), and the scene only
   * for scenes, so the fingerprints of every other spec are what they were before those
   * existed.
   */
  public String canonical() {
    String c = String.format(Locale.ROOT,
        "spec/v1 height=%d width=%d fg_scale_min=%s fg_scale_max=%s placements=%d flip=%b "
            + "position=%s mask_threshold=%d soft_mask=%b",
        height, width, Double.toString(fgScaleMin), Double.toString(fgScaleMax), placements, flip,
        position, maskThreshold, softMask);
    if (position == Position.GROUND) {
      c += " ground_min=" + groundMin + " ground_max=" + groundMax;
    }
    return isScene() ? c + " " + scene.canonical(position == Position.DEPTH) : c;
  }

  /** The highest row a foot may stand on with {@link Position#GROUND}. */
  public int groundTopRow() {
    return (int) Math.min(height - 1, Math.round(groundMin * (height - 1)));
  }

  /** The lowest row a foot may stand on with {@link Position#GROUND}. */
  public int groundBottomRow() {
    return (int) Math.min(height - 1, Math.round(groundMax * (height - 1)));
  }

  /** Builds a {@link Spec}; defaults are the built-in dataset's (224×224, 0.3–0.6, P = 20). */
  public static final class Builder {
    private int height = 224;
    private int width = 224;
    private double fgScaleMin = 0.3;
    private double fgScaleMax = 0.6;
    private int placements = 20;
    private boolean flip = true;
    private Position position = Position.RANDOM;
    private int maskThreshold = 128;
    private boolean softMask;
    private double groundMin = DEFAULT_GROUND_MIN;
    private double groundMax = DEFAULT_GROUND_MAX;
    private SceneSpec scene = SceneSpec.CLASSIC;

    private Builder() {}

    public Builder size(int height, int width) {
      this.height = height;
      this.width = width;
      return this;
    }

    public Builder fgScale(double min, double max) {
      this.fgScaleMin = min;
      this.fgScaleMax = max;
      return this;
    }

    public Builder placements(int placements) {
      this.placements = placements;
      return this;
    }

    public Builder flip(boolean flip) {
      this.flip = flip;
      return this;
    }

    public Builder position(Position position) {
      this.position = position;
      return this;
    }

    public Builder maskThreshold(int maskThreshold) {
      this.maskThreshold = maskThreshold;
      return this;
    }

    public Builder softMask(boolean softMask) {
      this.softMask = softMask;
      return this;
    }

    /** The band of foot rows for {@link Position#GROUND}, as fractions of the height. */
    public Builder ground(double min, double max) {
      this.groundMin = min;
      this.groundMax = max;
      return this;
    }

    /** More objects, caps, blending, the camera of depth placement. */
    public Builder scene(SceneSpec scene) {
      this.scene = scene;
      return this;
    }

    public Spec build() {
      return new Spec(height, width, fgScaleMin, fgScaleMax, placements, flip, position,
          maskThreshold, softMask, groundMin, groundMax, scene);
    }
  }
}
