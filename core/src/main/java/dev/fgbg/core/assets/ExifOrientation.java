package dev.fgbg.core.assets;

import dev.fgbg.core.assets.ImageFiles.Pixels;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A JPEG's EXIF orientation (a phone stores a portrait photo as a landscape picture and this
 * tag), applied so that a photo is used the way a photo viewer shows it (as Pillow's
 * {@code ImageOps.exif_transpose}). ImageIO ignores the tag. A PNG's is found by
 * {@link PngExif} and applied here too.
 */
final class ExifOrientation {
  /** The tag's value for "stored upright". */
  static final int UPRIGHT = 1;
  private static final int ORIENTATION_TAG = 0x0112;
  private static final int SOI = 0xFFD8;
  private static final int APP1 = 0xE1;
  private static final int SOS = 0xDA;

  private ExifOrientation() {}

  /** The orientation (1–8) the JPEG at {@code file} says; 1 without one or for a bad tag. */
  static int of(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(raw)) {
      if (in.readUnsignedShort() != SOI) {
        return UPRIGHT;
      }
      while (true) {
        int marker = in.readUnsignedShort();
        if ((marker >> 8) != 0xFF || (marker & 0xFF) == SOS) {
          return UPRIGHT; // the picture's data begins: no EXIF before it
        }
        int length = in.readUnsignedShort() - 2;
        if (length < 0) {
          return UPRIGHT;
        }
        if ((marker & 0xFF) == APP1) {
          byte[] segment = in.readNBytes(length);
          int o = fromExif(segment);
          if (o != 0) {
            return o;
          }
        } else {
          in.skipNBytes(length);
        }
      }
    } catch (EOFException e) {
      return UPRIGHT; // the decoder says what is wrong with a truncated file
    }
  }

  /** The orientation in an APP1 segment, or 0 when it is not EXIF or has none. */
  static int fromExif(byte[] segment) {
    byte[] exif = {'E', 'x', 'i', 'f', 0, 0};
    if (segment.length < 14 || !Arrays.equals(segment, 0, 6, exif, 0, 6)) {
      return 0;
    }
    ByteBuffer tiff = ByteBuffer.wrap(segment, 6, segment.length - 6).slice();
    if (tiff.get(0) == 'I' && tiff.get(1) == 'I') {
      tiff.order(ByteOrder.LITTLE_ENDIAN);
    } else if (tiff.get(0) != 'M' || tiff.get(1) != 'M') {
      return 0;
    }
    long ifd = Integer.toUnsignedLong(tiff.getInt(4));
    if (ifd + 2 > tiff.limit()) {
      return 0;
    }
    int entries = Short.toUnsignedInt(tiff.getShort((int) ifd));
    for (int e = 0; e < entries; e++) {
      int at = (int) ifd + 2 + 12 * e;
      if (at + 12 > tiff.limit()) {
        return 0;
      }
      if (Short.toUnsignedInt(tiff.getShort(at)) == ORIENTATION_TAG) {
        int value = Short.toUnsignedInt(tiff.getShort(at + 8));
        return value >= 1 && value <= 8 ? value : 0;
      }
    }
    return 0;
  }

  /** {@code p} turned and mirrored as {@code orientation} says, upright. */
  static Pixels apply(Pixels p, int orientation) {
    if (orientation <= UPRIGHT || orientation > 8) {
      return p;
    }
    int w = p.width();
    int h = p.height();
    boolean swap = orientation >= 5; // 5–8 turn the picture a quarter
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] in = p.rgba();
    byte[] out = new byte[in.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { // mirrored left-right
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> { // turned half
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> { // mirrored top-bottom
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> { // transposed
            sx = y;
            sy = x;
          }
          case 6 -> { // stored a quarter anticlockwise: turned a quarter clockwise
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> { // transversed
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> { // 8: stored a quarter clockwise: turned a quarter anticlockwise
            sx = w - 1 - y;
            sy = x;
          }
        }
        System.arraycopy(in, (sy * w + sx) * 4, out, (y * ow + x) * 4, 4);
      }
    }
    return new Pixels(ow, oh, out, p.hasAlpha());
  }
}
