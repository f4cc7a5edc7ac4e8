package dev.fgbg.core.shm;

/**
 * Where a batch's arrays lie within a slot: images, then masks, then depth, each starting on a
 * 64-byte boundary (so float16/float32 depth views are aligned). A length of 0 means absent.
 */
public record SlotLayout(int slot, long imagesOffset, long imagesLength, long masksOffset,
    long masksLength, long depthOffset, long depthLength) {

  /** The layout of arrays of these lengths in {@code slot}. */
  public static SlotLayout of(int slot, long images, long masks, long depth) {
    long m = align(images);
    long d = m + align(masks);
    return new SlotLayout(slot, 0, images, m, masks, d, depth);
  }

  /** Slot bytes needed for arrays of these lengths. */
  public static long bytesFor(long images, long masks, long depth) {
    return align(images) + align(masks) + align(depth);
  }

  /** Bytes of the slot this layout uses. */
  public long end() {
    return depthOffset + depthLength;
  }

  private static long align(long n) {
    return (n + 63) & ~63L;
  }
}
