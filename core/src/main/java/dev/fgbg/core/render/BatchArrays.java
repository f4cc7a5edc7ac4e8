package dev.fgbg.core.render;

import dev.fgbg.core.synth.Compositor;

/**
 * Arrays a run of samples is rendered into, sample {@code s} at {@code s ×} its per-sample size;
 * null where the array is not rendered. {@code zeroed} says they are fresh (all zero), so the
 * mask needs no clearing; reused arrays say false.
 */
public record BatchArrays(byte[] images, byte[] masks, byte[] depth, byte[] instances,
    boolean zeroed) {

  /** Arrays without instance ids. */
  public BatchArrays(byte[] images, byte[] masks, byte[] depth, boolean zeroed) {
    this(images, masks, depth, null, zeroed);
  }

  /** Fresh arrays for {@code n} samples of {@code shape}. */
  public static BatchArrays allocate(BatchShape shape, int n) {
    return new BatchArrays(array(shape, SampleArray.IMAGE, n), array(shape, SampleArray.MASK, n),
        array(shape, SampleArray.DEPTH, n), array(shape, SampleArray.INSTANCES, n), true);
  }

  /**
   * Fresh arrays for runs of {@code n} samples that are copied out as soon as rendered
   * ({@code Renders.inRuns}): without a depth array when the depth is a teacher's, which then
   * stays in its cached maps ({@link RenderedBatch#depthRows}) rather than being copied twice.
   */
  public static BatchArrays forRuns(BatchShape shape, int n) {
    return new BatchArrays(array(shape, SampleArray.IMAGE, n), array(shape, SampleArray.MASK, n),
        shape.teacher() ? null : array(shape, SampleArray.DEPTH, n),
        array(shape, SampleArray.INSTANCES, n), true);
  }

  private static byte[] array(BatchShape shape, SampleArray a, int n) {
    return shape.renders(a) ? new byte[n * a.bytes(shape.dataset(), shape.encoding())] : null;
  }

  /** Whether these arrays hold {@code n} samples of {@code shape} (for reuse). */
  public boolean fits(BatchShape shape, int n) {
    return fits(images, shape, SampleArray.IMAGE, n) && fits(masks, shape, SampleArray.MASK, n)
        && fits(depth, shape, SampleArray.DEPTH, n)
        && fits(instances, shape, SampleArray.INSTANCES, n);
  }

  private static boolean fits(byte[] a, BatchShape shape, SampleArray kind, int n) {
    return !shape.renders(kind)
        || a != null && a.length >= n * kind.bytes(shape.dataset(), shape.encoding());
  }

  /** The same arrays, no longer known to be zero (after a render wrote into them). */
  public BatchArrays used() {
    return zeroed ? new BatchArrays(images, masks, depth, instances, false) : this;
  }

  /** Whether any array is rendered into (else samples are only placed). */
  boolean paints() {
    return images != null || masks != null || depth != null || instances != null;
  }

  Compositor.Target target(BatchShape shape, int sample) {
    int ib = SampleArray.IMAGE.bytes(shape.dataset(), shape.encoding());
    int mb = SampleArray.MASK.bytes(shape.dataset(), shape.encoding());
    int db = SampleArray.DEPTH.bytes(shape.dataset(), shape.encoding());
    // Teacher depth replaces the assets' depth whole, so that is not composed at all.
    Compositor.Target t = new Compositor.Target(images, sample * ib, masks, sample * mb,
        shape.teacher() ? null : depth, sample * db, zeroed);
    return instances == null ? t : t.withInstances(instances,
        sample * SampleArray.INSTANCES.bytes(shape.dataset(), shape.encoding()));
  }
}
