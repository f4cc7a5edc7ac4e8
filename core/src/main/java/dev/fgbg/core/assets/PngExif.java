package dev.fgbg.core.assets;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PNG's EXIF orientation, found where Pillow finds it: the {@code eXIf} chunk (anywhere before
 * IEND), else the text chunk "Raw profile type exif" (tEXt, zTXt or iTXt, hex as ImageMagick and
 * exiftool write it). ImageIO reads neither. A missing, bad or oversized block is upright.
 */
final class PngExif {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int EXIF = 0x65584966; // eXIf
  private static final int TEXT = 0x74455874; // tEXt
  private static final int ZTXT = 0x7A545874; // zTXt
  private static final int ITXT = 0x69545874; // iTXt
  private static final int IEND = 0x49454E44;
  /** The orientation is in the first directory, near the start: no more is read of a block. */
  private static final int READ_AT_MOST = 1 << 16;
  /** Text chunks larger than this (compressed or not) are not read: no EXIF is that large. */
  private static final int TEXT_AT_MOST = 1 << 20;
  private static final String RAW_PROFILE = "Raw profile type exif";

  private PngExif() {}

  /** The orientation (1–8) the PNG at {@code file} says; 1 without one or for a bad one. */
  static int of(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
      if (!Arrays.equals(in.readNBytes(SIGNATURE.length), SIGNATURE)) {
        return ExifOrientation.UPRIGHT;
      }
      byte[] profile = null;
      while (true) {
        long length = Integer.toUnsignedLong(in.readInt());
        int type = in.readInt();
        if (type == IEND) {
          break;
        }
        if (type == EXIF) { // Pillow: an eXIf chunk wins over a text profile
          byte[] tiff = in.readNBytes((int) Math.min(length, READ_AT_MOST));
          return orientation(tiff);
        }
        if (profile == null && (type == TEXT || type == ZTXT || type == ITXT)
            && length <= TEXT_AT_MOST) {
          profile = rawProfile(type, in.readNBytes((int) length));
          in.skipNBytes(4);
        } else {
          in.skipNBytes(length + 4); // the data and its CRC (the decoder checks the CRC)
        }
      }
      return profile == null ? ExifOrientation.UPRIGHT : orientation(profile);
    } catch (EOFException e) {
      return ExifOrientation.UPRIGHT; // the decoder says what is wrong with a truncated file
    }
  }

  /** The orientation in a TIFF block (with or without the "Exif\0\0" header), else 1. */
  private static int orientation(byte[] block) {
    byte[] header = {'E', 'x', 'i', 'f', 0, 0};
    byte[] segment = block;
    if (block.length < header.length
        || !Arrays.equals(block, 0, header.length, header, 0, header.length)) {
      segment = new byte[header.length + block.length];
      System.arraycopy(header, 0, segment, 0, header.length);
      System.arraycopy(block, 0, segment, header.length, block.length);
    }
    int o = ExifOrientation.fromExif(segment);
    return o == 0 ? ExifOrientation.UPRIGHT : o;
  }

  /**
   * The EXIF bytes of a "Raw profile type exif" text chunk, or null for any other chunk or a
   * bad one. The text is "\nexif\n   LENGTH\nHEX…" (hex in lines); Pillow reads the hex after
   * the third line break.
   */
  private static byte[] rawProfile(int type, byte[] data) {
    int nul = indexOf(data, 0);
    if (nul < 0 || !RAW_PROFILE.equals(new String(data, 0, nul, StandardCharsets.ISO_8859_1))) {
      return null;
    }
    byte[] text;
    int at = nul + 1;
    if (type == TEXT) {
      text = Arrays.copyOfRange(data, at, data.length);
    } else if (type == ZTXT) {
      text = at < data.length && data[at] == 0 ? inflate(data, at + 1) : null;
    } else { // iTXt: flag, method, language NUL, translated keyword NUL, text
      if (at + 2 > data.length) {
        return null;
      }
      boolean compressed = data[at] == 1;
      int lang = indexOf(data, at + 2);
      int translated = lang < 0 ? -1 : indexOf(data, lang + 1);
      if (translated < 0) {
        return null;
      }
      text = compressed ? (data[at + 1] == 0 ? inflate(data, translated + 1) : null)
          : Arrays.copyOfRange(data, translated + 1, data.length);
    }
    return text == null ? null : hex(new String(text, StandardCharsets.ISO_8859_1));
  }

  private static byte[] hex(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length < 4) {
      return null;
    }
    String digits = String.join("", Arrays.copyOfRange(lines, 3, lines.length))
        .replaceAll("\\s", "");
    try {
      return HexFormat.of().parseHex(digits.substring(0,
          Math.min(digits.length(), 2 * READ_AT_MOST) & ~1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** zlib data from {@code from} on, inflated to at most {@link #TEXT_AT_MOST} bytes; or null. */
  private static byte[] inflate(byte[] data, int from) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data, from, data.length - from);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (!inflater.finished() && out.size() < TEXT_AT_MOST) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }

  private static int indexOf(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] == 0) {
        return i;
      }
    }
    return -1;
  }
}
