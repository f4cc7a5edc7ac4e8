package dev.fgbg.core.stats;

/**
 * Per-channel mean and population std: image (R, G, B) and mask on the [0, 1] scale
 * (bytes / 255), depth in metres (of the float16 values served). Depth fields are NaN without
 * depth.
 */
public record Stats(long samples, double[] imageMean, double[] imageStd, double maskMean,
    double maskStd, double depthMean, double depthStd) {}
