package dev.fgbg.core.shm;

import dev.fgbg.common.RingFormat;
import dev.fgbg.core.render.Backgrounds;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.SampleArray;

/**
 * Where a batch's arrays lie within a slot: images, then masks, then depth, then instance ids,
 * then the distinct backgrounds and their depth, each starting on a 64-byte boundary (so
 * float16/float32 depth views are aligned). A length of 0 means absent.
 */
public record SlotLayout(int slot, long imagesOffset, long imagesLength, long masksOffset,
    long masksLength, long depthOffset, long depthLength, long instancesOffset,
    long instancesLength, long backgroundsOffset, long backgroundsLength,
    long backgroundDepthsOffset, long backgroundDepthsLength) {

  /** A layout of the sample arrays only. */
  public SlotLayout(int slot, long imagesOffset, long imagesLength, long masksOffset,
      long masksLength, long depthOffset, long depthLength) {
    this(slot, imagesOffset, imagesLength, masksOffset, masksLength, depthOffset, depthLength,
        0, 0, 0, 0, 0, 0);
  }

  /** The layout of arrays of these lengths in {@code slot}. */
  public static SlotLayout of(int slot, long images, long masks, long depth) {
    return of(slot, images, masks, depth, 0, 0, 0);
  }

  /**
   * The layout of arrays of these lengths in {@code slot}: images, masks, depth, instance ids,
   * backgrounds, background depths; an absent array (length 0) takes no room.
   */
  public static SlotLayout of(int slot, long images, long masks, long depth, long instances,
      long backgrounds, long backgroundDepths) {
    long m = RingFormat.align(images);
    long d = m + RingFormat.align(masks);
    long i = d + RingFormat.align(depth);
    long b = i + RingFormat.align(instances);
    long bd = b + RingFormat.align(backgrounds);
    return new SlotLayout(slot, 0, images, m, masks, d, depth, instances == 0 ? 0 : i, instances,
        backgrounds == 0 ? 0 : b, backgrounds, backgroundDepths == 0 ? 0 : bd, backgroundDepths);
  }

  /**
   * The layout of {@code n} samples of {@code shape} and their distinct backgrounds (null:
   * none). The samples' arrays lie where they lie without the backgrounds, which come last.
   */
  public static SlotLayout of(int slot, BatchShape shape, int n, Backgrounds bgs) {
    return of(slot, n * shape.delivered(SampleArray.IMAGE), n * shape.delivered(SampleArray.MASK),
        n * shape.delivered(SampleArray.DEPTH), n * shape.delivered(SampleArray.INSTANCES),
        bgs == null || bgs.pixels() == null ? 0 : bgs.pixels().length,
        bgs == null || bgs.depth() == null ? 0 : bgs.depth().length);
  }

  /** Where {@code a} starts in the slot. */
  public long offset(SampleArray a) {
    return switch (a) {
      case IMAGE -> imagesOffset;
      case MASK -> masksOffset;
      case DEPTH -> depthOffset;
      case INSTANCES -> instancesOffset;
      case BACKGROUND -> backgroundsOffset;
      case BACKGROUND_DEPTH -> backgroundDepthsOffset;
    };
  }

  /** Bytes of {@code a} in the slot (0: absent). */
  public long length(SampleArray a) {
    return switch (a) {
      case IMAGE -> imagesLength;
      case MASK -> masksLength;
      case DEPTH -> depthLength;
      case INSTANCES -> instancesLength;
      case BACKGROUND -> backgroundsLength;
      case BACKGROUND_DEPTH -> backgroundDepthsLength;
    };
  }

  /** Slot bytes needed for arrays of these lengths. */
  public static long bytesFor(long images, long masks, long depth) {
    return RingFormat.slotBytes(images, masks, depth);
  }

  /** Bytes of the slot this layout uses. */
  public long end() {
    return Math.max(Math.max(depthOffset + depthLength, instancesOffset + instancesLength),
        Math.max(backgroundsOffset + backgroundsLength,
            backgroundDepthsOffset + backgroundDepthsLength));
  }
}
