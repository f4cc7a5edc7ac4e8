package dev.fgbg.core.synth;

import dev.fgbg.common.Float16;

/** How depth values travel: little-endian IEEE floats of two or four bytes. */
public enum DepthEncoding {
  FLOAT16(2),
  FLOAT32(4);

  private final int bytes;

  DepthEncoding(int bytes) {
    this.bytes = bytes;
  }

  public int bytesPerValue() {
    return bytes;
  }

  /** Writes {@code value} at {@code off} (little-endian). */
  public void put(byte[] out, int off, float value) {
    if (this == FLOAT16) {
      short h = Float16.fromFloat(value);
      out[off] = (byte) h;
      out[off + 1] = (byte) (h >>> 8);
    } else {
      int b = Float.floatToRawIntBits(value);
      out[off] = (byte) b;
      out[off + 1] = (byte) (b >>> 8);
      out[off + 2] = (byte) (b >>> 16);
      out[off + 3] = (byte) (b >>> 24);
    }
  }

  /** Reads the value at {@code off}. */
  public float get(byte[] in, int off) {
    if (this == FLOAT16) {
      return Float16.toFloat((short) ((in[off] & 0xff) | (in[off + 1] << 8)));
    }
    return Float.intBitsToFloat((in[off] & 0xff) | ((in[off + 1] & 0xff) << 8)
        | ((in[off + 2] & 0xff) << 16) | (in[off + 3] << 24));
  }

  /** Encodes a whole map. */
  public byte[] encode(float[] values) {
    byte[] out = new byte[values.length * bytes];
    for (int i = 0; i < values.length; i++) {
      put(out, i * bytes, values[i]);
    }
    return out;
  }
}
