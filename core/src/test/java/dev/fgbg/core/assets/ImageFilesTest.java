package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
