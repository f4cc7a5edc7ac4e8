package dev.fgbg.core.assets;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The frame of {@link PhotoCache}'s records, {@link Prepared} and {@link Refused} alike: magic,
 * key, body and a CRC32 of all of it, little-endian. One reading of it, so that a torn, foreign
 * or other-key record is told the same way whatever it holds.
 */
final class PhotoRecords {
  private PhotoRecords() {}

  /** A record of {@code magic} and {@code key} with room for {@code body} bytes after them. */
  static ByteBuffer start(long magic, String key, int body) {
    byte[] k = key.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(8 + 2 + k.length + body + 4).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(magic).putShort((short) k.length).put(k);
  }

  /** The record {@code buf} holds, its checksum appended. */
  static byte[] seal(ByteBuffer buf) {
    CRC32 crc = new CRC32();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /**
   * {@code b}'s body, positioned after its key, with its checksum as the last 4 bytes; null
   * when {@code b} is not one whole, intact record of {@code magic} and {@code key}.
   */
  static ByteBuffer open(byte[] b, long magic, String key) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    try {
      if (b.length < 12 || buf.getLong() != magic) {
        return null;
      }
      CRC32 crc = new CRC32();
      crc.update(b, 0, b.length - 4);
      if ((int) crc.getValue() != buf.getInt(b.length - 4)) {
        return null;
      }
      byte[] k = new byte[buf.getShort()];
      buf.get(k);
      return Arrays.equals(k, key.getBytes(StandardCharsets.US_ASCII)) ? buf : null;
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      return null; // a torn or foreign record's key length points past its end
    }
  }
}
