package dev.fgbg.core.dataset;

/**
 * Which parts of a sample a caller wants. The background and its depth are asked for by name
 * only: {@link #all} (an empty outputs list) never includes them.
 */
public record Outputs(boolean image, boolean mask, boolean depth, boolean meta,
    boolean background, boolean backgroundDepth) {

  /** The sample's own parts, without its background. */
  public Outputs(boolean image, boolean mask, boolean depth, boolean meta) {
    this(image, mask, depth, meta, false, false);
  }

  /** Everything the dataset has, backgrounds aside. */
  public static Outputs all(Dataset d) {
    return new Outputs(true, true, d.hasDepth(), true);
  }

  /** Whether a background array (pixels or depth) is delivered. */
  public boolean backgrounds() {
    return background || backgroundDepth;
  }

  /** These outputs without the backgrounds (what a slice of a larger batch renders). */
  public Outputs sampleOnly() {
    return new Outputs(image, mask, depth, meta);
  }
}
