package dev.fgbg.core.dataset;

/**
 * Which parts of a sample a caller wants. {@code instances} (the instance-id mask) is asked for
 * by name only: "everything" ({@link #all}) and the four-part form leave it out, so every request
 * of before keeps its bytes.
 */
public record Outputs(boolean image, boolean mask, boolean depth, boolean meta,
    boolean instances) {

  public Outputs(boolean image, boolean mask, boolean depth, boolean meta) {
    this(image, mask, depth, meta, false);
  }

  /** Everything the dataset has, instance ids aside. */
  public static Outputs all(Dataset d) {
    return new Outputs(true, true, d.hasDepth(), true);
  }

  /** These outputs with the instance-id mask too. */
  public Outputs withInstances() {
    return new Outputs(image, mask, depth, meta, true);
  }
}
