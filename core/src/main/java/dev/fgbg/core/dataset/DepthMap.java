package dev.fgbg.core.dataset;

import dev.fgbg.core.synth.DepthEncoding;

/**
 * A predicted depth map: the model's float32 values, plus their wire encodings made once on
 * first use (a warm cache then serves bytes with one array copy).
 */
public final class DepthMap {
  private final float[] values;
  private volatile byte[] half;
  private volatile byte[] single;

  public DepthMap(float[] values) {
    this.values = values;
  }

  public float[] values() {
    return values;
  }

  /** The map encoded as {@code enc} (little-endian), computed once. */
  public byte[] encoded(DepthEncoding enc) {
    if (enc == DepthEncoding.FLOAT16) {
      byte[] b = half;
      if (b == null) {
        b = enc.encode(values);
        half = b;
      }
      return b;
    }
    byte[] b = single;
    if (b == null) {
      b = enc.encode(values);
      single = b;
    }
    return b;
  }

  /** Bytes held, for cache weighing (both encodings counted as if present). */
  public int weight() {
    return values.length * (4 + 2 + 4) + 64;
  }
}
