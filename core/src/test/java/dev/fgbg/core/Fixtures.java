package dev.fgbg.core;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Writes small image folders for folder-dataset tests. */
public final class Fixtures {
  private Fixtures() {}

  /** An opaque RGB image with a gradient keyed by {@code seed}. */
  public static BufferedImage rgb(int w, int h, int seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 7 + seed * 31) & 255) << 16 | ((y * 5 + seed * 17) & 255) << 8
            | ((x + y + seed * 11) & 255));
      }
    }
    return img;
  }

  /** A disc of colour on transparency, with a soft edge. */
  public static BufferedImage disc(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    double r = Math.min(w, h) / 2.0 - 1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double d = Math.hypot(x + 0.5 - w / 2.0, y + 0.5 - h / 2.0) - r;
        int a = (int) Math.round(Math.max(0, Math.min(1, 0.5 - d)) * 255);
        img.setRGB(x, y, a << 24 | rgb);
      }
    }
    return img;
  }

  /** A white stroke on black, like an MNIST digit. */
  public static BufferedImage digit(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 2; y < h - 2; y++) {
      img.getRaster().setSample(w / 2, y, 0, 255);
      img.getRaster().setSample(w / 2 + 1, y, 0, 180);
    }
    return img;
  }

  public static Path write(BufferedImage img, Path file) {
    try {
      Files.createDirectories(file.getParent());
      String name = file.getFileName().toString();
      String fmt = name.endsWith(".png") ? "png" : "jpeg";
      if (!ImageIO.write(img, fmt, file.toFile())) {
        throw new IOException("no writer for " + file);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A PNG whose header claims {@code w}×{@code h} but that holds almost no data: what a
   * decompression bomb looks like before it is decoded.
   */
  public static Path pngHeaderOnly(int w, int h, Path file) {
    ByteBuffer ihdr = ByteBuffer.allocate(4 + 13).putInt(0x49484452).putInt(w).putInt(h)
        .put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4 + 12)
        .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
        .putInt(13).put(ihdr.array()).putInt((int) crc.getValue())
        .putInt(0).putInt(0x49454E44).putInt(0xAE426082);
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, png.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * A TIFF block (as in a PNG's eXIf chunk) holding one tag, the EXIF orientation {@code o};
   * big-endian ("MM") or little-endian ("II").
   */
  public static byte[] exifOrientation(int o, boolean bigEndian) {
    ByteBuffer b = ByteBuffer.allocate(8 + 2 + 12 + 4)
        .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    b.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I')
        .putShort((short) 42).putInt(8) // the first directory follows the header
        .putShort((short) 1) // one entry: orientation, SHORT, count 1, value
        .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) o)
        .putShort((short) 0).putInt(0);
    return b.array();
  }

  /**
   * The PNG {@code file} with a chunk of {@code type} holding {@code data} added by hand (ImageIO
   * writes no eXIf): right after IHDR, or, with {@code atEnd}, right before IEND.
   */
  public static Path addChunk(Path file, String type, byte[] data, boolean atEnd) {
    try {
      byte[] png = Files.readAllBytes(file);
      int at = atEnd ? png.length - 12 : 8 + 8 + 13 + 4; // IEND is 12 bytes; IHDR 25
      byte[] name = type.getBytes(StandardCharsets.ISO_8859_1);
      CRC32 crc = new CRC32();
      crc.update(name);
      crc.update(data);
      ByteBuffer out = ByteBuffer.allocate(png.length + 12 + data.length)
          .put(png, 0, at).putInt(data.length).put(name).put(data).putInt((int) crc.getValue())
          .put(png, at, png.length - at);
      Files.write(file, out.array());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code img} turned as a file of EXIF orientation {@code o} stores it (the inverse turn). */
  public static BufferedImage stored(BufferedImage img, int o) {
    int w = img.getWidth();
    int h = img.getHeight();
    boolean swap = o >= 5;
    BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, img.getType());
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Where upright pixel (x, y) lies in the stored picture.
        int sx;
        int sy;
        switch (o) {
          case 1 -> { sx = x; sy = y; }
          case 2 -> { sx = w - 1 - x; sy = y; }
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
          case 4 -> { sx = x; sy = h - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = w - 1 - x; }
          case 7 -> { sx = h - 1 - y; sy = w - 1 - x; }
          default -> { sx = h - 1 - y; sy = x; }
        }
        out.setRGB(sx, sy, img.getRGB(x, y));
      }
    }
    return out;
  }

  /** bg/{indoor/a.jpg, outdoor/b.png, c.png} and fg/{ball/x.png, ball/y.png, cup/z.png}. */
  /**
   * The last line of a refusal before decoding that names files: {@code n} files it could say
   * nothing of yet.
   */
  public static String notDecoded(int n) {
    return n + " image file(s) not named here were not decoded yet: one broken inside (cut "
        + "short, corrupt) may still be named by the next run";
  }

  public static void goodFolders(Path root) {
    write(rgb(64, 48, 1), root.resolve("bg/indoor/a.jpg"));
    write(rgb(40, 40, 2), root.resolve("bg/outdoor/b.png"));
    write(rgb(30, 60, 3), root.resolve("bg/c.png"));
    write(disc(20, 20, 0xFF3030), root.resolve("fg/ball/x.png"));
    write(disc(16, 24, 0x30FF30), root.resolve("fg/ball/y.png"));
    write(disc(24, 20, 0x3030FF), root.resolve("fg/cup/z.png"));
  }
}
