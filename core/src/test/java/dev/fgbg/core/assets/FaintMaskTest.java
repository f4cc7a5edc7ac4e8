package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.v1.FolderDatasetConfig;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mask files saved the ways other tools save them, loaded from real files by the catalog: a 0/1
 * mask and a palette (VOC-style) mask are refused saying what they most likely are and how to
 * save them; a palette mask that works keeps working, its bytes as they were, with one
 * warning when a class colour makes it partial opacity.
 */
class FaintMaskTest {
  @TempDir
  Path root;

  @Test
  void aZeroOneMaskIsRefusedAsOne() {
    BufferedImage m = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
    square(m, 1);
    Path mask = Fixtures.write(m, root.resolve("masks/cup/a.png"));
    String message = refusal();
    assertTrue(message.contains(root.resolve("fg/cup/a.png") + ": is faint everywhere: its mask "
        + mask + " is at most 1, under the mask threshold 128: it looks like a 0/1 mask; save it"
        + " as 0/255, e.g. Image.fromarray(m * 255) of its uint8 array m (a lower"
        + " --mask-threshold would not do"), message);
  }

  @Test
  void aPaletteMaskIsRefusedAsOneAndAWorkingOneStillLoads() {
    // VOC's palette: index 0 black, index 1 (the first class) dark red, luminance 38.
    BufferedImage m = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_INDEXED,
        palette(0x800000));
    square(m, 1);
    Path mask = Fixtures.write(m, root.resolve("masks/cup/a.png"));
    String message = refusal();
    assertTrue(message.contains(": is faint everywhere: its mask " + mask + " is at most 38,"
        + " under the mask threshold 128: it is a palette (P mode) PNG, such as a VOC class mask,"
        + " and its pixels are read as their palette colours"), message);
    assertTrue(message.contains("save the cut-out's class as a grey 0/255 mask"), message);
    assertFalse(message.contains("lower --mask-threshold or use --soft-mask"), message);

    BufferedImage yellow = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_INDEXED,
        palette(0xFFFF00));
    square(yellow, 1);
    Fixtures.write(yellow, root.resolve("masks/cup/a.png"));
    Dataset d = DatasetCatalog.folder(config(), null);
    assertEquals(1, d.assets().foregrounds().size());
    assertEquals(8, d.assets().foregrounds().get(0).width(), "its 8x8 square, trimmed");
  }

  @Test
  void aPaletteMaskReadAsPartialOpacityIsWarnedAboutOnce() {
    // VOC's palette up to class 15, person: (192,128,128), luminance 147.
    byte[] r = new byte[16];
    byte[] g = new byte[16];
    byte[] b = new byte[16];
    r[15] = (byte) 192;
    g[15] = (byte) 128;
    b[15] = (byte) 128;
    BufferedImage person = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(8, 16, r, g, b));
    square(person, 15);
    Path mask = Fixtures.write(person, root.resolve("masks/cup/a.png"));
    // A palette of black and white, and a grey mask: read as 0/255, nothing to say.
    BufferedImage white = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_INDEXED,
        palette(0xFFFFFF));
    square(white, 1);
    Fixtures.write(white, root.resolve("masks/cup/b.png"));
    Fixtures.write(Fixtures.rgb(12, 12, 3), root.resolve("fg/cup/b.png"));
    BufferedImage grey = new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY);
    square(grey, 255);
    Fixtures.write(grey, root.resolve("masks/cup/c.png"));
    Fixtures.write(Fixtures.rgb(12, 12, 4), root.resolve("fg/cup/c.png"));
    Dataset d;
    List<String> lines;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      d = DatasetCatalog.folder(config(), null);
      lines = log.containing("palette");
    }
    assertEquals(List.of("WARNING dataset 'm': 1 of 3 foreground masks are palette (P mode) PNGs,"
        + " read by their colours' luminance (or their palette's alpha), not by their class"
        + " indices, so their cut-outs are pasted partly transparent: " + mask + ": palette index"
        + " 15 reads as 147 of 255, so the cut-out is pasted 58% opaque. To use a class as a"
        + " whole cut-out, save it as a grey 0/255 mask, e.g. Image.fromarray(((np.array(im) =="
        + " k) * 255).astype(np.uint8)) for class index k"), lines);
    assertEquals(3, d.assets().foregrounds().size(), "every mask still loads");
    assertEquals(147, d.assets().foregrounds().get(0).rgba()[3] & 0xff, "its bytes as before");
  }

  private String refusal() {
    FgbgException e = assertThrows(FgbgException.class,
        () -> DatasetCatalog.folder(config(), null));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    return e.getMessage();
  }

  private FolderDatasetConfig config() {
    Fixtures.write(Fixtures.rgb(40, 40, 1), root.resolve("bg/room/a.png"));
    Fixtures.write(Fixtures.rgb(12, 12, 2), root.resolve("fg/cup/a.png"));
    return FolderDatasetConfig.newBuilder().setName("m").setBg(root.resolve("bg").toString())
        .setFg(root.resolve("fg").toString()).setFgMasks(root.resolve("masks").toString())
        .setSize("32").build();
  }

  /** Sets an 8x8 square of {@code m} to {@code value}. */
  private static void square(BufferedImage m, int value) {
    for (int y = 2; y < 10; y++) {
      for (int x = 2; x < 10; x++) {
        m.getRaster().setSample(x, y, 0, value);
      }
    }
  }

  /** Black, then {@code rgb}, as a two-colour palette of 8 bits. */
  private static IndexColorModel palette(int rgb) {
    byte[] r = {0, (byte) (rgb >> 16)};
    byte[] g = {0, (byte) (rgb >> 8)};
    byte[] b = {0, (byte) rgb};
    return new IndexColorModel(8, 2, r, g, b);
  }
}
