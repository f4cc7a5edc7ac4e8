package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fgbg.core.Fixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PNG backgrounds, cut-outs and mask files stored turned, with an EXIF orientation (an eXIf
 * chunk), load as the same pictures stored upright, as Pillow's {@code exif_transpose} gives
 * them.
 */
class PngOrientationTest {
  @TempDir
  Path root;

  /** {@code img} written under {@code dir} as stored with orientation {@code o} and its tag. */
  private void turned(BufferedImage img, int o, String file) {
    Fixtures.addChunk(Fixtures.write(Fixtures.stored(img, o), root.resolve(file)), "eXIf",
        Fixtures.exifOrientation(o, true), false);
  }

  private AssetSet load(String set, Path masks) {
    return FolderAssets.load(new FolderDataset("f", root.resolve(set + "/bg"),
        root.resolve(set + "/fg"), masks, FolderDataset.MaskFrom.ALPHA), 32, 32);
  }

  @Test
  void turnedBackgroundsAndCutOutsLoadAsUprightOnes() {
    BufferedImage bg = Fixtures.rgb(64, 48, 1);
    BufferedImage cut = Fixtures.disc(20, 36, 0xC04020);
    for (int y = 0; y < 36; y++) { // a darker top half: upside down is not the same
      for (int x = 0; x < 20; x++) {
        cut.setRGB(x, y, y < 18 ? cut.getRGB(x, y) & 0xFF3F3F3F : cut.getRGB(x, y));
      }
    }
    Fixtures.write(bg, root.resolve("up/bg/a.png"));
    Fixtures.write(cut, root.resolve("up/fg/c.png"));
    turned(bg, 3, "turned/bg/a.png");
    turned(cut, 8, "turned/fg/c.png");
    AssetSet up = load("up", null);
    AssetSet turned = load("turned", null);
    assertArrayEquals(up.backgrounds().get(0).rgb(), turned.backgrounds().get(0).rgb(),
        "orientation 3: served right way up");
    Foreground u = up.foregrounds().get(0);
    Foreground t = turned.foregrounds().get(0);
    assertEquals(u.width(), t.width(), "orientation 8: standing, not on its side");
    assertEquals(u.height(), t.height());
    assertArrayEquals(u.rgba(), t.rgba());
  }

  @Test
  void aTurnedMaskFitsItsUprightCutOut() {
    BufferedImage mask = new BufferedImage(30, 50, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 5; y < 45; y++) {
      for (int x = 3; x < 10 + y / 3; x++) { // a wedge: no turn of it is the same
        mask.getRaster().setSample(x, y, 0, 255);
      }
    }
    for (String set : new String[] {"up", "turned"}) {
      Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve(set + "/bg/a.png"));
      Fixtures.write(Fixtures.rgb(30, 50, 2), root.resolve(set + "/fg/p.png"));
    }
    Fixtures.write(mask, root.resolve("up/masks/p.png"));
    turned(mask, 6, "turned/masks/p.png"); // stored 50x30: another shape unless turned
    Foreground u = load("up", root.resolve("up/masks")).foregrounds().get(0);
    Foreground t = load("turned", root.resolve("turned/masks")).foregrounds().get(0);
    assertEquals(u.width(), t.width());
    assertEquals(u.height(), t.height());
    assertArrayEquals(u.rgba(), t.rgba());
  }
}
