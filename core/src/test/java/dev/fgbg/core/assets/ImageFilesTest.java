package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
  @TempDir
  Path dir;

  @Test
  void greyIsExpandedWithoutColourConversion() throws Exception {
    BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    g.getRaster().setDataElements(0, 0, 3, 1, new byte[] {10, (byte) 128, (byte) 250});
    Path f = dir.resolve("g.png");
    ImageIO.write(g, "png", f.toFile());
    ImageFiles.Pixels p = ImageFiles.read(f);
    assertFalse(p.hasAlpha());
    assertEquals(10, p.rgba()[0] & 0xff);
    assertEquals(10, p.rgba()[1] & 0xff);
    assertEquals(128, p.rgba()[4] & 0xff);
    assertEquals(250, p.rgba()[10] & 0xff);
    assertEquals(255, p.rgba()[11] & 0xff);
  }

  @Test
  void alphaIsKept() throws Exception {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, 0x80FF0000);
    img.setRGB(1, 0, 0x00000000);
    Path f = dir.resolve("a.png");
    ImageIO.write(img, "png", f.toFile());
    ImageFiles.Pixels p = ImageFiles.read(f);
    assertTrue(p.hasAlpha());
    assertEquals(0x80, p.rgba()[3] & 0xff);
    assertEquals(255, p.rgba()[0] & 0xff);
    assertEquals(0, p.rgba()[7] & 0xff);
  }

  @Test
  void truncatedAndBogusFilesAreRejectedNamingTheFile() throws Exception {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | ((x ^ y) & 255));
      }
    }
    for (String fmt : new String[] {"png", "jpg"}) {
      Path whole = dir.resolve("whole." + fmt);
      ImageIO.write(img, fmt.equals("jpg") ? "jpeg" : "png", whole.toFile());
      byte[] bytes = Files.readAllBytes(whole);
      Path cut = dir.resolve("cut." + fmt);
      Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
      FgbgException e = assertThrows(FgbgException.class, () -> ImageFiles.read(cut));
      assertTrue(e.getMessage().contains("cut." + fmt), e.getMessage());
      assertTrue(e.getMessage().contains("unreadable or truncated"), e.getMessage());
    }
    Path bogus = dir.resolve("bogus.png");
    Files.writeString(bogus, "not an image at all");
    FgbgException e = assertThrows(FgbgException.class, () -> ImageFiles.read(bogus));
    assertTrue(e.getMessage().contains("bogus.png") && e.getMessage().contains("not a PNG or JPEG"),
        e.getMessage());
  }

  /** Whether {@code p} holds {@code img}'s pixels. */
  private static void assertPixels(BufferedImage img, ImageFiles.Pixels p, String what) {
    assertEquals(img.getWidth(), p.width(), what);
    assertEquals(img.getHeight(), p.height(), what);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int o = (y * p.width() + x) * 4;
        int argb = (p.rgba()[o + 3] & 0xff) << 24 | (p.rgba()[o] & 0xff) << 16
            | (p.rgba()[o + 1] & 0xff) << 8 | (p.rgba()[o + 2] & 0xff);
        assertEquals(img.getRGB(x, y), argb, what + " at " + x + "," + y);
      }
    }
  }

  @Test
  void aPngIsTurnedUprightByItsExifChunkAsAJpegIs() throws Exception {
    BufferedImage upright = Fixtures.rgb(12, 7, 3);
    for (int o = 1; o <= 8; o++) {
      Path f = Fixtures.write(Fixtures.stored(upright, o), dir.resolve("o" + o + ".png"));
      assertPixels(Fixtures.stored(upright, o), ImageFiles.read(f), "no chunk: as stored " + o);
      Fixtures.addChunk(f, "eXIf", Fixtures.exifOrientation(o, o % 2 == 0), false);
      assertPixels(upright, ImageFiles.read(f), "orientation " + o);
    }
    // After the image data (Pillow reads it there too), and with alpha.
    BufferedImage cut = Fixtures.disc(10, 16, 0x20C040);
    Path f = Fixtures.write(Fixtures.stored(cut, 8), dir.resolve("late.png"));
    Fixtures.addChunk(f, "eXIf", Fixtures.exifOrientation(8, true), true);
    assertPixels(cut, ImageFiles.read(f), "eXIf before IEND");
  }

  @Test
  void aPngsLegacyRawExifProfileIsHonouredAndABadBlockIsUpright() throws Exception {
    BufferedImage upright = Fixtures.rgb(9, 5, 4);
    byte[] exif = Fixtures.exifOrientation(3, false);
    // As ImageMagick writes it: "\nexif\n   LENGTH\n" and hex of "Exif\0\0" + TIFF.
    StringBuilder text = new StringBuilder("\nexif\n      " + (exif.length + 6) + "\n");
    text.append(HexFormat.of().formatHex(new byte[] {'E', 'x', 'i', 'f', 0, 0}));
    text.append(HexFormat.of().formatHex(exif)).append('\n');
    byte[] body = text.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] key = "Raw profile type exif\0".getBytes(StandardCharsets.ISO_8859_1);

    Path plain = Fixtures.write(Fixtures.stored(upright, 3), dir.resolve("text.png"));
    Fixtures.addChunk(plain, "tEXt", concat(key, body), false);
    assertPixels(upright, ImageFiles.read(plain), "tEXt profile");

    Deflater d = new Deflater();
    d.setInput(body);
    d.finish();
    byte[] zipped = new byte[body.length + 64];
    zipped = Arrays.copyOf(zipped, d.deflate(zipped));
    d.end();
    Path z = Fixtures.write(Fixtures.stored(upright, 3), dir.resolve("ztext.png"));
    Fixtures.addChunk(z, "zTXt", concat(key, new byte[] {0}, zipped), false);
    assertPixels(upright, ImageFiles.read(z), "zTXt profile");

    Path bad = Fixtures.write(upright, dir.resolve("bad.png"));
    Fixtures.addChunk(bad, "eXIf", new byte[] {'M', 'M', 0, 42, 0, 0, 0, 99}, false);
    Fixtures.addChunk(bad, "tEXt", concat(key, "\nexif\n 4\nzz".getBytes(
        StandardCharsets.ISO_8859_1)), false);
    assertPixels(upright, ImageFiles.read(bad), "a directory past the end reads as upright");
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[0];
    for (byte[] p : parts) {
      int at = out.length;
      out = Arrays.copyOf(out, at + p.length);
      System.arraycopy(p, 0, out, at, p.length);
    }
    return out;
  }

  @Test
  void whatIsNoRegularFileIsNamedForWhatItIs() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("a.png"));
    Path dangling = Files.createSymbolicLink(dir.resolve("b.png"), dir.resolve("gone.png"));
    Path fifo = dir.resolve("c.png");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertEquals(folder + ": is a folder, not an image file", refusal(folder));
    assertEquals(dangling + ": is a link to nothing (its target is gone)", refusal(dangling));
    assertEquals(fifo + ": " + ImageFiles.NOT_REGULAR, refusal(fifo));
    assertEquals(dir.resolve("d.png") + ": no such file", refusal(dir.resolve("d.png")));
  }

  private static String refusal(Path file) {
    return assertThrows(FgbgException.class, () -> ImageFiles.read(file)).getMessage();
  }

  @Test
  void aHugeHeaderIsRefusedBeforeAnythingIsDecoded() {
    Path bomb = Fixtures.pngHeaderOnly(30_000, 30_000, dir.resolve("bomb.png"));
    FgbgException e = assertThrows(FgbgException.class, () -> ImageFiles.read(bomb));
    assertTrue(e.getMessage().startsWith(bomb + ": 30000x30000 is 900,000,000 pixels, over the "
        + "limit of 64,000,000 (refused before decoding; raise it with --max-image-pixels"),
        e.getMessage());
    Path wide = Fixtures.pngHeaderOnly(Integer.MAX_VALUE, 3, dir.resolve("wide.png"));
    e = assertThrows(FgbgException.class, () -> ImageFiles.read(wide, ImageFiles.MAX_PIXELS_LIMIT));
    assertTrue(e.getMessage().contains("3x2147483647 is 6,442,450,941 pixels"), e.getMessage());
    Path small = Fixtures.write(Fixtures.rgb(40, 30, 1), dir.resolve("small.jpg"));
    e = assertThrows(FgbgException.class, () -> ImageFiles.read(small, 1199));
    assertTrue(e.getMessage().contains("30x40 is 1,200 pixels, over the limit of 1,199"),
        e.getMessage());
    assertEquals(40 * 30 * 4, ImageFiles.read(small, 1200).rgba().length);
  }
}
