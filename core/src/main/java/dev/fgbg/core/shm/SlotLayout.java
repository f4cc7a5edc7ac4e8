package dev.fgbg.core.shm;

import dev.fgbg.common.RingFormat;

/**
 * Where a batch's arrays lie within a slot: images, then masks, then depth, then the distinct
 * backgrounds and their depth, each starting on a 64-byte boundary (so float16/float32 depth
 * views are aligned). A length of 0 means absent.
 */
public record SlotLayout(int slot, long imagesOffset, long imagesLength, long masksOffset,
    long masksLength, long depthOffset, long depthLength, long backgroundsOffset,
    long backgroundsLength, long backgroundDepthsOffset, long backgroundDepthsLength) {

  /** The layout of arrays of these lengths in {@code slot}. */
  public static SlotLayout of(int slot, long images, long masks, long depth) {
    return of(slot, images, masks, depth, 0, 0);
  }

  /** The layout of arrays of these lengths, backgrounds included, in {@code slot}. */
  public static SlotLayout of(int slot, long images, long masks, long depth, long backgrounds,
      long backgroundDepths) {
    long m = RingFormat.align(images);
    long d = m + RingFormat.align(masks);
    long b = d + RingFormat.align(depth);
    long bd = b + RingFormat.align(backgrounds);
    return new SlotLayout(slot, 0, images, m, masks, d, depth, b, backgrounds, bd,
        backgroundDepths);
  }

  /** Slot bytes needed for arrays of these lengths. */
  public static long bytesFor(long images, long masks, long depth) {
    return RingFormat.slotBytes(images, masks, depth);
  }

  /** Bytes of the slot this layout uses. */
  public long end() {
    return backgroundDepthsOffset + backgroundDepthsLength;
  }
}
