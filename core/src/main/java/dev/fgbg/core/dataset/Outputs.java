package dev.fgbg.core.dataset;

/**
 * Which parts of a sample a caller wants. The instance-id mask, the background and its depth are
 * asked for by name only: "everything" ({@link #all}, an empty outputs list) and the four-part
 * form leave them out, so every request of before keeps its bytes.
 */
public record Outputs(boolean image, boolean mask, boolean depth, boolean meta,
    boolean instances, boolean background, boolean backgroundDepth) {

  /** The sample's own parts, without instance ids or its background. */
  public Outputs(boolean image, boolean mask, boolean depth, boolean meta) {
    this(image, mask, depth, meta, false, false, false);
  }

  /** The sample's own parts and its background, without instance ids. */
  public Outputs(boolean image, boolean mask, boolean depth, boolean meta, boolean background,
      boolean backgroundDepth) {
    this(image, mask, depth, meta, false, background, backgroundDepth);
  }

  /** Everything the dataset has, instance ids and backgrounds aside. */
  public static Outputs all(Dataset d) {
    return new Outputs(true, true, d.hasDepth(), true);
  }

  /** These outputs with the instance-id mask too. */
  public Outputs withInstances() {
    return new Outputs(image, mask, depth, meta, true, background, backgroundDepth);
  }

  /** Whether a background array (pixels or depth) is delivered. */
  public boolean backgrounds() {
    return background || backgroundDepth;
  }

  /** These outputs without the backgrounds (what a slice of a larger batch renders). */
  public Outputs sampleOnly() {
    return new Outputs(image, mask, depth, meta, instances, false, false);
  }
}
