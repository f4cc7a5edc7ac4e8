package dev.fgbg.core.depth;

import dev.fgbg.core.dataset.DepthMap;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The one checksummed depth record format: magic, key (fingerprint, seed, index), length, the
 * values as float16 (what is served; {@link DepthMap}), and a CRC32 of all of it,
 * little-endian. The disk tier keeps one record per file; the depth store keeps a shard's records
 * back to back (all records of a dataset have one size). A 224×224 map is 100,450 bytes.
 */
public final class DepthRecord {
  private static final long MAGIC = 0x4647424744325f31L; // "FGBGD2_1": float16 values
  private static final long FLOAT32_MAGIC = 0x4647424744315f31L; // "FGBGD1_1", before float16
  private static final int VALUE_BYTES = 2;

  private DepthRecord() {}

  /** Bytes of a record of {@code k} holding {@code values} values. */
  public static int size(DepthKey k, int values) {
    return 8 + 2 + fingerprint(k).length + 16 + 4 + values * VALUE_BYTES + 4;
  }

  private static byte[] fingerprint(DepthKey k) {
    return k.fingerprint().getBytes(StandardCharsets.US_ASCII);
  }

  /** The record of {@code m} under {@code k}. */
  public static byte[] encode(DepthKey k, DepthMap m) {
    byte[] fp = fingerprint(k);
    byte[] half = m.half();
    int values = half.length / VALUE_BYTES;
    ByteBuffer buf = ByteBuffer.allocate(size(k, values)).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(MAGIC).putShort((short) fp.length).put(fp).putLong(k.seed()).putLong(k.index())
        .putInt(values).put(half);
    CRC32 crc = new CRC32();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /** The record of a model's values under {@code k} (rounded to float16, as served). */
  public static byte[] encode(DepthKey k, float[] values) {
    return encode(k, DepthMap.rounded(values));
  }

  /**
   * The map in the record {@code b[off, off + len)}, or null when it is not one whole, intact
   * record of {@code k} (wrong magic, key or length, or a bad checksum).
   */
  public static DepthMap decode(DepthKey k, byte[] b, int off, int len) {
    ByteBuffer buf = ByteBuffer.wrap(b, off, len).slice().order(ByteOrder.LITTLE_ENDIAN);
    try {
      byte[] fp = fingerprint(k);
      if (len < size(k, 0) || buf.getLong() != MAGIC) {
        return null;
      }
      byte[] stored = new byte[buf.getShort()];
      buf.get(stored);
      if (!Arrays.equals(stored, fp) || buf.getLong() != k.seed()
          || buf.getLong() != k.index()) {
        return null;
      }
      int n = buf.getInt();
      if (n < 0 || buf.remaining() != (long) n * VALUE_BYTES + 4) {
        return null;
      }
      CRC32 crc = new CRC32();
      crc.update(b, off, len - 4);
      byte[] half = new byte[n * VALUE_BYTES];
      buf.get(half);
      if ((int) crc.getValue() != buf.getInt()) {
        return null;
      }
      return DepthMap.ofHalf(half);
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      return null; // a torn or foreign record's lengths point past its end
    }
  }

  /** Whether {@code b[off, …)} starts like a record of the earlier float32 format. */
  static boolean isFloat32Record(byte[] b, int off, int len) {
    return len >= 8 && ByteBuffer.wrap(b, off, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()
        == FLOAT32_MAGIC;
  }
}
