package dev.fgbg.core.dataset;

/**
 * What sample {@code index} is: its factors and where the foreground went.
 * Box coordinates are inclusive-exclusive; all zero when the mask is empty.
 */
public record SampleInfo(long index, int bg, int fg, boolean flip, int k, int x, int y,
    int fgWidth, int fgHeight, double scale, int bboxX0, int bboxY0, int bboxX1, int bboxY1,
    int bgLabel, int fgLabel, float fgDepth) {}
