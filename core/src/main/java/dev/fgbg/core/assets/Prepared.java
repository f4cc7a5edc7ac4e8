package dev.fgbg.core.assets;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * A photo as {@link FolderAssets} prepares it, before its name's label is attached: a
 * background's RGB at the output size, or a cut-out's trimmed RGBA, with what the start-up
 * lines say of it ({@link AdjustedLines}). Its record, as {@link PhotoCache} keeps it
 * ({@link PhotoRecords}), holds its sizes, notes and pixels.
 *
 * @param channels 3 (RGB) or 4 (RGBA) bytes a pixel
 */
record Prepared(int width, int height, int channels, byte[] pixels, int srcWidth,
    int srcHeight, String resampled, String paletteNote, boolean opaqueBorder,
    boolean alphaIgnored) {
  private static final long MAGIC = 0x4647424750315f31L; // "FGBGP1_1"

  /** A background's pixels: nothing to say but its source size. */
  static Prepared rgb(int width, int height, byte[] rgb, int srcWidth, int srcHeight) {
    return new Prepared(width, height, 3, rgb, srcWidth, srcHeight, null, null, false, false);
  }

  /** This photo with {@code f} applied to its notes (the words naming paths). */
  Prepared withNotes(UnaryOperator<String> f) {
    return new Prepared(width, height, channels, pixels, srcWidth, srcHeight, f.apply(resampled),
        f.apply(paletteNote), opaqueBorder, alphaIgnored);
  }

  /** The record of this photo under {@code key}. */
  byte[] encode(String key) {
    byte[] r = text(resampled);
    byte[] p = text(paletteNote);
    ByteBuffer buf = PhotoRecords.start(MAGIC, key, 4 * 5 + 1 + 8 + r.length + p.length
        + 4 + pixels.length);
    buf.putInt(width).putInt(height).putInt(channels).putInt(srcWidth).putInt(srcHeight)
        .put((byte) ((opaqueBorder ? 1 : 0) | (alphaIgnored ? 2 : 0)));
    buf.putInt(resampled == null ? -1 : r.length).put(r);
    buf.putInt(paletteNote == null ? -1 : p.length).put(p);
    buf.putInt(pixels.length).put(pixels);
    return PhotoRecords.seal(buf);
  }

  private static byte[] text(String s) {
    return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The photo in record {@code b}, or null when it is not one whole, intact record of
   * {@code key} with {@code channels} bytes a pixel (cut short, another key, a bad checksum).
   */
  static Prepared decode(String key, byte[] b, int channels) {
    ByteBuffer buf = PhotoRecords.open(b, MAGIC, key);
    if (buf == null) {
      return null;
    }
    try {
      int w = buf.getInt();
      int h = buf.getInt();
      if (buf.getInt() != channels) {
        return null;
      }
      int sw = buf.getInt();
      int sh = buf.getInt();
      byte flags = buf.get();
      String resampled = text(buf);
      String palette = text(buf);
      byte[] pixels = new byte[buf.getInt()];
      buf.get(pixels);
      if (buf.remaining() != 4 || w < 1 || h < 1 || pixels.length != (long) w * h * channels) {
        return null;
      }
      return new Prepared(w, h, channels, pixels, sw, sh, resampled, palette,
          (flags & 1) != 0, (flags & 2) != 0);
    } catch (BufferUnderflowException | NegativeArraySizeException
        | IndexOutOfBoundsException e) {
      return null; // a torn or foreign record's lengths point past its end
    }
  }

  private static String text(ByteBuffer buf) {
    int n = buf.getInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
