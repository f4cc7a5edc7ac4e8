package dev.fgbg.core.stats;

/**
 * Per-channel mean and population std: image (R, G, B) and mask on the [0, 1] scale
 * (bytes / 255), depth in metres (of the float16 values served). Fields of an output not
 * computed are NaN. Over a random subset, {@code population} is what it was drawn from and the
 * {@code …Se} fields are the standard errors of the means (see {@link SampleMeans}); otherwise
 * the means are exact for the selection, {@code population} is 0 and the errors are NaN.
 */
public record Stats(long samples, double[] imageMean, double[] imageStd, double maskMean,
    double maskStd, double depthMean, double depthStd, long population, double[] imageSe,
    double maskSe, double depthSe) {
  /**
   * These figures with those of outputs not asked for NaN, as a computation of the others alone
   * gives them: each output's sums are counted apart from the others', so they are the same.
   */
  public Stats only(boolean image, boolean mask, boolean depth) {
    double[] none = {Double.NaN, Double.NaN, Double.NaN};
    return new Stats(samples, image ? imageMean : none, image ? imageStd : none,
        mask ? maskMean : Double.NaN, mask ? maskStd : Double.NaN,
        depth ? depthMean : Double.NaN, depth ? depthStd : Double.NaN, population,
        image ? imageSe : none, mask ? maskSe : Double.NaN, depth ? depthSe : Double.NaN);
  }
}
