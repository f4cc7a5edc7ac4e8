package dev.fgbg.core.assets;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A photo its preparation refused (cut short, undecodable, faint…), as {@link PhotoCache} keeps
 * it beside the {@link Prepared} ones, so that a restart names it again without decoding it:
 * the refusal's words, with the paths they name as tokens ({@link PathWords}: a copy of the
 * same bytes under another name is found by the same key, and named by its own). Its record
 * ({@link PhotoRecords}) holds the words.
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
    byte[] w = words.getBytes(StandardCharsets.UTF_8);
    return PhotoRecords.seal(PhotoRecords.start(MAGIC, key, 4 + w.length).putInt(w.length)
        .put(w));
  }

  /**
   * The refusal in record {@code b}, or null when it is not one whole, intact refusal of
   * {@code key} (a photo's record, cut short, another key, a bad checksum).
   */
  static Refused decode(String key, byte[] b) {
    ByteBuffer buf = PhotoRecords.open(b, MAGIC, key);
    if (buf == null) {
      return null;
    }
    try {
      byte[] w = new byte[buf.getInt()];
      buf.get(w);
      return buf.remaining() == 4 ? new Refused(new String(w, StandardCharsets.UTF_8)) : null;
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      return null; // a torn or foreign record's lengths point past its end
    }
  }
}
