package dev.fgbg.core.dataset;

import dev.fgbg.core.synth.ScaledForeground;

/**
 * One object placed in a scene.
 *
 * @param slot its draw slot (0: the sample's own cut-out)
 * @param labelled false for a distractor
 * @param depth the depth it stands at (0 without depth)
 * @param distance what orders objects: the depth when the background has depth, else minus the
 *     foot row (lower in the image is nearer)
 * @param angle the direction of its motion blur, radians
 */
record SceneObject(int slot, int fg, boolean flip, boolean labelled, int x, int y, int width,
    int height, float depth, int foot, float distance, double angle, ScaledForeground cutout) {

  /**
   * Whether this object is in front of {@code o}: nearer, or as near and lower in the image, or
   * both equal and drawn later.
   */
  boolean inFrontOf(SceneObject o) {
    if (distance != o.distance) {
      return distance < o.distance;
    }
    return foot != o.foot ? foot > o.foot : slot > o.slot;
  }

  /** Mask value of cut-out pixel (fx, fy) as placed: its alpha, mirrored when flipped. */
  int alpha(int fx, int fy) {
    int sx = flip ? width - 1 - fx : fx;
    return cutout.rgba()[(fy * width + sx) * 4 + 3] & 0xff;
  }
}
