package dev.fgbg.core.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Fixtures;
import dev.fgbg.core.LogLines;
import dev.fgbg.core.catalog.DatasetCatalog;
import dev.fgbg.v1.FolderDatasetConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cut-outs without alpha on a plain background (a shop photo on white): the refusal does not
 * offer luminance masks for them, and luminance masks that are opaque along most of their
 * border (the background pasted as the object) get one start-up warning; white digits on
 * black, what luminance is for, get neither.
 */
class PlainBackgroundCutOutsTest {
  private static final String LUMINANCE_HINT = "has no alpha channel; give a mask folder "
      + "(--fg-masks DIR, same file names) or --mask-from luminance (bright = opaque, as for a "
      + "white digit on black)";
  private static final String PLAIN = ": it looks like an object on a plain background, which "
      + "fgbg does not cut out (--mask-from luminance, which makes bright pixels opaque, would "
      + "paste that background as the object); give a mask folder (--fg-masks DIR, same file "
      + "names) made with a background-removal tool, or save the cut-out again with "
      + "transparency (a PNG with alpha)";

  @TempDir
  Path root;

  private FolderDatasetConfig config(String maskFrom) {
    Fixtures.write(Fixtures.rgb(32, 32, 1), root.resolve("bg/a.png"));
    return FolderDatasetConfig.newBuilder().setName("lum").setBg(root.resolve("bg").toString())
        .setFg(root.resolve("fg").toString()).setMaskFrom(maskFrom).setSize("32x32").build();
  }

  /** A {@code background} image with a {@code object} block in its middle, no alpha. */
  private static BufferedImage onPlain(int w, int h, int background, int object) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean inside = x >= w / 4 && x < w * 3 / 4 && y >= h / 4 && y < h * 3 / 4;
        img.setRGB(x, y, inside ? object : background);
      }
    }
    return img;
  }

  @Test
  void theRefusalOffersLuminanceOnlyWhereTheBorderIsDark() {
    Path white = Fixtures.write(onPlain(40, 30, 0xFFFFFF, 0x603010),
        root.resolve("fg/chair/chair white bg.jpg"));
    Path green = Fixtures.write(onPlain(24, 24, 0x00B140, 0xE0E0E0),
        root.resolve("fg/chair/studio.png"));
    Path dark = Fixtures.write(onPlain(28, 28, 0x000000, 0xF0F0F0),
        root.resolve("fg/seven/on black.jpg"));
    BufferedImage night = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 20; x++) { // dark, and no one colour
        night.setRGB(x, y, (x * 13 % 90) << 16 | (y * 11 % 90) << 8 | x * y % 90);
      }
    }
    Path photo = Fixtures.write(night, root.resolve("fg/seven/night.png"));
    FgbgException e = assertThrows(FgbgException.class,
        () -> DatasetCatalog.folder(config(""), null));
    assertEquals(FgbgException.Reason.INVALID_CONFIG, e.reason());
    List<String> lines = e.getMessage().lines().toList();
    assertLine(lines, white + ": has no alpha channel and its border is mostly light" + PLAIN);
    assertLine(lines, green + ": has no alpha channel and its border is mostly one flat colour "
        + "(RGB 0, 177, 64)" + PLAIN);
    assertLine(lines, dark + ": " + LUMINANCE_HINT);
    assertLine(lines, photo + ": " + LUMINANCE_HINT);
  }

  @Test
  void luminanceMasksOpaqueAlongTheBorderGetOneWarning() {
    Fixtures.write(onPlain(40, 30, 0xFFFFFF, 0x603010),
        root.resolve("fg/chair/chair white bg.jpg"));
    Fixtures.write(onPlain(40, 30, 0xF8F8F8, 0x202020), root.resolve("fg/chair/second.jpg"));
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/seven/d.png"));
    List<String> warned;
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      DatasetCatalog.folder(config("luminance"), null);
      warned = log.containing("border");
    }
    assertEquals(List.of("WARNING dataset 'lum': 2 of 3 foregrounds' luminance masks "
        + "(--mask-from luminance: bright = opaque) are opaque along most of their border "
        + "(e.g. chair/chair white bg.jpg), so a light background is pasted as the object: they "
        + "look like objects on a light or plain background, not light objects on black (a "
        + "white digit). For those give a mask folder (--fg-masks DIR, same file names) made "
        + "with a background-removal tool, or save the cut-outs with transparency (PNGs with "
        + "alpha)"), warned);
  }

  @Test
  void whiteDigitsOnBlackGetNoWarning() {
    Fixtures.write(Fixtures.digit(28, 28), root.resolve("fg/seven/d.png"));
    Fixtures.write(onPlain(28, 28, 0x000000, 0xF0F0F0), root.resolve("fg/one/on black.jpg"));
    try (LogLines log = LogLines.capture("dev.fgbg.core.assets")) {
      assertEquals(2, DatasetCatalog.folder(config("luminance"), null).assets().foregrounds()
          .size());
      assertEquals(List.of(), log.containing("border"));
      assertFalse(log.lines().isEmpty(), "the capture works: start-up lines were logged");
    }
  }

  private static void assertLine(List<String> lines, String line) {
    assertTrue(lines.stream().anyMatch(l -> l.endsWith(line)), line + "\nnot in:\n"
        + String.join("\n", lines));
  }
}
