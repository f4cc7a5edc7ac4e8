package dev.fgbg.core.dataset;

/**
 * One labelled object of a scene: which cut-out, how it was placed, and what of it shows.
 *
 * @param x left of the pasted cut-out (negative, or past the image, when truncated)
 * @param scale height / output height
 * @param bboxX0 tight box of its visible pixels (x1, y1 exclusive); all 0 when none shows
 * @param visibleFraction visible mask pixels / all of its mask pixels (0 for an empty mask)
 * @param depth the depth it stands at (0 without depth)
 */
public record InstanceInfo(int fg, boolean flip, int x, int y, int width, int height,
    double scale, int bboxX0, int bboxY0, int bboxX1, int bboxY1, double visibleFraction,
    int label, float depth) {}
