package dev.fgbg.core.assets;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A photo its preparation refused (cut short, undecodable, faint…), as {@link PhotoCache} keeps
 * it beside the {@link Prepared} ones, so that a restart names it again without decoding it:
 * the refusal's words, with the paths they name as tokens ({@link PathWords}: a copy of the
 * same bytes under another name is found by the same key, and named by its own). Its record:
 * magic, key, words and a CRC32 of all of it, little-endian.
 */
record Refused(String words) {
  private static final long MAGIC = 0x4647424752315f31L; // "FGBGR1_1"

  /** {@code message}, a refusal naming {@code paths}, kept without them. */
  static Refused of(String message, PathWords paths) {
    return new Refused(paths.hide(message));
  }

  /** The words, naming {@code paths}. */
  String message(PathWords paths) {
    return paths.show(words);
  }

  /** The record of this refusal under {@code key}. */
  byte[] encode(String key) {
    byte[] k = key.getBytes(StandardCharsets.US_ASCII);
    byte[] w = words.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + 2 + k.length + 4 + w.length + 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(MAGIC).putShort((short) k.length).put(k).putInt(w.length).put(w);
    CRC32 crc = new CRC32();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    return buf.array();
  }

  /**
   * The refusal in record {@code b}, or null when it is not one whole, intact refusal of
   * {@code key} (a photo's record, cut short, another key, a bad checksum).
   */
  static Refused decode(String key, byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    try {
      if (b.length < 12 || buf.getLong() != MAGIC) {
        return null;
      }
      CRC32 crc = new CRC32();
      crc.update(b, 0, b.length - 4);
      if ((int) crc.getValue() != buf.getInt(b.length - 4)) {
        return null;
      }
      byte[] k = new byte[buf.getShort()];
      buf.get(k);
      if (!Arrays.equals(k, key.getBytes(StandardCharsets.US_ASCII))) {
        return null;
      }
      byte[] w = new byte[buf.getInt()];
      buf.get(w);
      return buf.remaining() == 4 ? new Refused(new String(w, StandardCharsets.UTF_8)) : null;
    } catch (BufferUnderflowException | NegativeArraySizeException
        | IndexOutOfBoundsException e) {
      return null; // a torn or foreign record's lengths point past its end
    }
  }
}
