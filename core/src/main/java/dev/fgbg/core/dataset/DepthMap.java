package dev.fgbg.core.dataset;

import dev.fgbg.core.synth.DepthEncoding;

/**
 * A predicted (teacher) depth map as it is served: the model's values rounded to float16 once,
 * when computed. Memory, disk tier and depth store all hold these float16 bytes, so a sample's
 * depth is the same bytes whether it was just computed or read back; a float32 request gets the
 * same values widened (exactly: every float16 is a float32).
 */
public final class DepthMap {
  private final byte[] half;

  private DepthMap(byte[] half) {
    this.half = half;
  }

  /** A model's output, rounded to float16 (as the wire's default dtype does). */
  public static DepthMap rounded(float[] values) {
    return new DepthMap(DepthEncoding.FLOAT16.encode(values));
  }

  /** Stored float16 values (little-endian, two bytes each); the array is kept, not copied. */
  public static DepthMap ofHalf(byte[] half) {
    if (half.length % 2 != 0) {
      throw new IllegalArgumentException("float16 depth has an odd byte count: " + half.length);
    }
    return new DepthMap(half);
  }

  /** The float16 bytes (little-endian); not to be modified. */
  public byte[] half() {
    return half;
  }

  /** The values, as floats. */
  public float[] values() {
    float[] out = new float[half.length / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = DepthEncoding.FLOAT16.get(half, i * 2);
    }
    return out;
  }

  /** The map encoded as {@code enc} (little-endian): the stored bytes, or them widened. */
  public byte[] encoded(DepthEncoding enc) {
    return enc == DepthEncoding.FLOAT16 ? half : DepthEncoding.FLOAT32.encode(values());
  }

  /** Bytes held, for cache weighing. */
  public int weight() {
    return half.length + 64;
  }
}
