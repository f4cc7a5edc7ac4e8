package dev.fgbg.core.dataset;

/** Which parts of a sample a caller wants. */
public record Outputs(boolean image, boolean mask, boolean depth, boolean meta) {

  /** Everything the dataset has. */
  public static Outputs all(Dataset d) {
    return new Outputs(true, true, d.hasDepth(), true);
  }
}
